// User1 keeps a conversation whose connection dropped, so that the same peer can come back and resume it
// (docs/protocol.md, "Resuming"): per peer key, so that a stranger's conversation never makes us forget a
// peer's. A kept conversation that will not resume lists what it never delivered.
using SecureChat.Cli.Chat;
using SecureChat.Cli.Views;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli;

/// <summary>The listener's conversations kept for their peers' return.</summary>
internal sealed class ConversationKeeper(IChatTerminal terminal, IChatEvents events, Func<Conversation, ChatState> newState)
{
    private readonly KeptConversations<ChatState> _kept = new();
    private volatile QueueTarget? _newest;

    /// <summary>The conversation kept last, while it is still kept: lines typed while waiting join it (issue 17 item 1).</summary>
    public QueueTarget? Newest => _newest is { } newest && _kept.Holds(newest.Conversation) ? newest : null;

    /// <summary>
    /// The responder's half of resuming: the conversation we kept for this peer's key if it names it, else
    /// a new one. Conversations kept for other keys are not touched.
    /// </summary>
    public Conversation Resolve(PeerIdentity peer, ReadOnlyMemory<byte> id) =>
        _kept.Find(peer.Fingerprint, id.Span) ?? new Conversation(id.Span);

    /// <summary>The chat state for the conversation the session carries: the kept one, or a new one.</summary>
    public ChatState Adopt(Fingerprint peer, Conversation conversation)
    {
        if (_kept.Take(conversation) is { } resumed)
        {
            return resumed;
        }

        // The same key started another conversation: the one we kept for it will not resume.
        ChatState? older = _kept.TakePeer(peer);
        if (older is not null)
        {
            GiveUp(older);
        }

        if (older is not null || _kept.Count > 0)
        {
            terminal.DiscardPendingInput(); // lines typed for a lost conversation do not go to this one
        }

        return newState(conversation);
    }

    /// <summary>Keeps <paramref name="state"/> for <paramref name="peer"/>'s return; the oldest kept ones may make room.</summary>
    public void Keep(Fingerprint peer, ChatState state, string peerName)
    {
        _newest = new QueueTarget(state, peerName);
        foreach (ChatState givenUp in _kept.Keep(peer, state.Conversation, state))
        {
            GiveUp(givenUp);
        }
    }

    /// <summary>Whether <paramref name="state"/> is kept (and so not to be disposed by its conversation).</summary>
    public bool Holds(ChatState state) => _kept.Holds(state);

    /// <summary>Listening ends: no kept conversation will resume.</summary>
    public void GiveUpAll()
    {
        foreach (ChatState kept in _kept.TakeAll())
        {
            GiveUp(kept);
        }
    }

    /// <summary>A kept conversation that will not resume: list what it never delivered.</summary>
    private void GiveUp(ChatState kept)
    {
        IReadOnlyList<string> messages = kept.Undelivered();
        IReadOnlyList<UnfinishedFile> files = kept.UnfinishedFiles();
        if (messages.Count + files.Count > 0)
        {
            events.Publish(new EarlierConversationLost(messages, files));
        }

        kept.Dispose();
    }
}
