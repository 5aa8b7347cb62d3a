// What never reached the peer, shown once when a conversation ends for good: texts without a receipt,
// lines read but never sent, unfinished files, and a script's lines that nothing read (issue 20 item 4:
// 24 of 80 lines fed to User2 were neither sent nor listed, and the rest came in two lists).
namespace SecureChat.Cli.Chat;

/// <summary>A script's lines that no conversation read; <paramref name="ReachedEnd"/> is false when more may follow unread.</summary>
/// <param name="Lines">The lines, in the order written (empty lines left out, as the chat skips them).</param>
/// <param name="ReachedEnd">Whether the input was read to its end, so that nothing else was written.</param>
public sealed record UnreadInput(IReadOnlyList<string> Lines, bool ReachedEnd)
{
    /// <summary>Nothing unread.</summary>
    public static UnreadInput None { get; } = new([], ReachedEnd: true);
}

/// <summary>Shows the one list of everything undelivered.</summary>
public static class UndeliveredList
{
    /// <summary>
    /// Lists <paramref name="undelivered"/> then <paramref name="unread"/> under one heading, and says when
    /// the input was left unread past them (not when it held nothing: a pipe left open is no loss). Returns how many lines were listed.
    /// </summary>
    public static int Show(IChatTerminal terminal, IReadOnlyList<string> undelivered, UnreadInput unread)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(undelivered);
        ArgumentNullException.ThrowIfNull(unread);
        int count = undelivered.Count + unread.Lines.Count;
        if (count > 0)
        {
            terminal.ShowWarning($"{count} message(s) were never confirmed delivered:");
            foreach (string text in undelivered.Concat(unread.Lines))
            {
                terminal.ShowWarning("  " + text);
            }
        }

        if (!unread.ReachedEnd && unread.Lines.Count > 0)
        {
            terminal.ShowWarning("The input was still open, so it was not read to its end: whatever it holds after these lines was never sent.");
        }

        return count;
    }
}
