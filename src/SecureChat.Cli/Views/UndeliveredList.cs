// What never reached the peer, shown once when a conversation ends for good: texts without a receipt,
// lines read but never sent, unfinished files, and a script's lines that nothing read (issue 20 item 4:
// 24 of 80 lines fed to User2 were neither sent nor listed, and the rest came in two lists).
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>Shows the one list of everything undelivered.</summary>
public static class UndeliveredList
{
    /// <summary>
    /// Lists <paramref name="undelivered"/>, <paramref name="files"/> then <paramref name="unread"/> under one heading, and says when
    /// the input was left unread past them (not when it held nothing: a pipe left open is no loss). Returns how many lines were listed.
    /// </summary>
    public static int Show(IChatTerminal terminal, IReadOnlyList<string> undelivered, IReadOnlyList<UnfinishedFile> files, UnreadInput unread)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(undelivered);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(unread);
        int count = undelivered.Count + files.Count + unread.Lines.Count;
        if (count > 0)
        {
            terminal.ShowWarning(ChatSentences.UndeliveredHeading(count));
            foreach (string text in undelivered.Concat(files.Select(FileSentences.Unfinished)).Concat(unread.Lines))
            {
                terminal.ShowWarning(ChatSentences.UndeliveredEntry(text));
            }
        }

        if (!unread.ReachedEnd && unread.Lines.Count > 0)
        {
            terminal.ShowWarning(ChatSentences.InputLeftOpen);
        }

        return count;
    }
}
