// What a conversation keeps from one session to the next when the connection drops: the numbering and
// unconfirmed texts (the protocol's Conversation), lines read from the input but not yet sent, and the
// files in flight. A new session continues from here; only when nobody reconnects is it listed as lost.
using SecureChat.Cli.Files;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>The state of one conversation across the sessions that carry it.</summary>
public sealed class ChatState : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _unsent = [];

    /// <summary>A conversation's state; <paramref name="conversation"/> is null when sessions carry none (tests, old peers).</summary>
    public ChatState(Conversation? conversation, FileTransfers files)
    {
        Conversation = conversation;
        Files = files;
    }

    /// <summary>The conversation's numbering and unconfirmed texts, if sessions carry one.</summary>
    public Conversation? Conversation { get; }

    /// <summary>The conversation's files.</summary>
    public FileTransfers Files { get; }

    /// <summary>Whether the files given with --send have been offered.</summary>
    public bool OfferedStartupFiles { get; set; }

    /// <summary>
    /// When the conversation's end is also the app's (User2), the script's lines nothing read, to be listed
    /// with the undelivered in one list; null when the app goes on (the listener waits for the next caller).
    /// </summary>
    public Func<UnreadInput>? UnreadInput { get; set; }

    /// <summary>How many sessions have carried the conversation.</summary>
    public int Connections { get; set; }

    /// <summary>Messages sent in the whole conversation.</summary>
    public int Sent { get; set; }

    /// <summary>Messages received in the whole conversation.</summary>
    public int Received { get; set; }

    /// <summary>Lines read but not sent when the connection dropped, oldest first: the next session sends them first.</summary>
    public IReadOnlyList<string> Unsent
    {
        get
        {
            lock (_gate)
            {
                return [.. _unsent];
            }
        }
    }

    /// <summary>Keeps a line for the next session.</summary>
    public void KeepUnsent(string line)
    {
        lock (_gate)
        {
            _unsent.Add(line);
        }
    }

    /// <summary>Takes the kept lines, to send them now.</summary>
    public IReadOnlyList<string> TakeUnsent()
    {
        lock (_gate)
        {
            List<string> lines = [.. _unsent];
            _unsent.Clear();
            return lines;
        }
    }

    /// <summary>Everything that never reached the peer: unconfirmed texts, unsent lines, unfinished files.</summary>
    public IReadOnlyList<string> Undelivered() =>
        [.. Conversation?.Unconfirmed.Select(p => p.Text) ?? [], .. Unsent, .. Files.Unfinished.Select(f => "file " + f)];

    /// <summary>Closes the files.</summary>
    public void Dispose() => Files.Dispose();
}
