// What a conversation keeps from one session to the next when the connection drops: the protocol's
// Conversation (the numbering, what is unconfirmed and what was never sent: the one delivery record) and
// the files in flight. A new session continues from here; only when nobody reconnects is it listed as lost.
using SecureChat.Cli.Files;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>The state of one conversation across the sessions that carry it.</summary>
public sealed class ChatState : IDisposable
{
    /// <summary>The state of <paramref name="conversation"/>, whose files are <paramref name="files"/>.</summary>
    public ChatState(Conversation conversation, FileTransfers files)
    {
        Conversation = conversation;
        Files = files;
    }

    /// <summary>The conversation's numbering, unconfirmed texts and lines never sent.</summary>
    public Conversation Conversation { get; }

    /// <summary>The conversation's files.</summary>
    public FileTransfers Files { get; }

    /// <summary>Whether the files given with --send have been offered.</summary>
    public bool OfferedStartupFiles { get; set; }

    /// <summary>
    /// When the conversation's end is also the app's (User2), the script's lines nothing read, to be listed
    /// with the undelivered in one list; null when the app goes on (the listener waits for the next caller).
    /// </summary>
    public Func<UnreadInput>? UnreadInput { get; set; }

    /// <summary>The peer's name, once a session has carried the conversation.</summary>
    public string? PeerName { get; set; }

    /// <summary>How many sessions have carried the conversation.</summary>
    public int Connections { get; set; }

    /// <summary>Messages sent in the whole conversation.</summary>
    public int Sent { get; set; }

    /// <summary>Messages received in the whole conversation.</summary>
    public int Received { get; set; }

    /// <summary>The texts that never reached the peer: unconfirmed, or never sent.</summary>
    public IReadOnlyList<string> Undelivered() => Conversation.Undelivered();

    /// <summary>The files that never reached the peer, or did not finish arriving from it.</summary>
    public IReadOnlyList<UnfinishedFile> UnfinishedFiles() => Files.Unfinished;

    /// <summary>Closes the files.</summary>
    public void Dispose() => Files.Dispose();
}
