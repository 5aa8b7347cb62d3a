// User1's conversations: the Listener admits callers; here each established session becomes a
// conversation, new or kept from a dropped connection, and what follows it is decided: listen on, keep the
// conversation for the peer's return, or stop (--once, /quit, Ctrl+C).
using SecureChat.Cli.Chat;
using SecureChat.Cli.Home;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Network;
using SecureChat.Cli.Trust;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli;

public sealed partial class ChatRunner
{
    private readonly ConversationSlot _slot = new();
    private ConversationKeeper? _keeper;

    private ConversationKeeper Keeper => _keeper ??= new ConversationKeeper(_terminal, _events, NewChatState);

    private async Task<int> ListenAsync(ChatIdentity identity, CancellationToken cancellationToken)
    {
        SessionOptions options = _trust.Options(identity, peer => [PeerLabel.Name(peer.Name)], _slot, Keeper.Resolve);
        var listener = new Listener(_settings, _events, _logger, _guesses, _slot);

        // At a terminal the user's input is read while no caller is there: /quit leaves at once (issue 17 item 2).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.QuitToken);
        _idle.Target = () => Keeper.Newest;
        try
        {
            if (_terminal.IsInteractive)
            {
                _idle.Start();
            }

            return await listener.RunAsync(options, ConverseAsListenerAsync, stop.Token).ConfigureAwait(false);
        }
        catch (UnreachableException e)
        {
            Failure failure = Failures.Classify(e);
            _events.Publish(new FailureNoticed(failure.Sentence));
            return failure.ExitCode;
        }
        finally
        {
            _idle.Stop();
            Keeper.GiveUpAll();
        }
    }

    /// <summary>The conversation with a caller whose handshake and trust decision succeeded; an exit code when listening should stop.</summary>
    private async Task<int?> ConverseAsListenerAsync(SecureSession session, CancellationToken cancellationToken)
    {
        // The conversation slot was claimed in the trust decision. The conversation reads the input now.
        using IDisposable held = await _idle.HoldAsync().ConfigureAwait(false);
        try
        {
            await using (session)
            {
                Conversation conversation;
                try
                {
                    conversation = await session.WaitForConversationAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SessionException e)
                {
                    // Ended before the conversation began (the caller refused us, or went away): as a conversation's failure.
                    Log.FailureDetail(_logger, e);
                    Failure failure = Failures.Classify(e, session.Peer.Name);
                    _events.Publish(new FailureNoticed(failure.Sentence));
                    return _settings.Once || cancellationToken.IsCancellationRequested ? failure.ExitCode : null;
                }

                ChatState? state = Keeper.Adopt(session.Peer.Fingerprint, conversation);
                try
                {
                    return await ConverseAndKeepAsync(session, state, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (Keeper.Holds(state))
                    {
                        state = null; // kept for a reconnect
                    }

                    state?.Dispose();
                }
            }
        }
        finally
        {
            _slot.Release();
        }
    }

    /// <summary>Chats; after a dropped connection keeps the conversation for the peer's return.</summary>
    private async Task<int?> ConverseAndKeepAsync(SecureSession session, ChatState state, CancellationToken cancellationToken)
    {
        ChatOutcome outcome = await ConverseAsync(session, state, resumable: !_settings.Once, cancellationToken).ConfigureAwait(false);
        if (outcome.Reconnectable && !cancellationToken.IsCancellationRequested)
        {
            // The conversation waits for the same peer to come back; lines typed meanwhile go to it.
            if (_terminal.TakeUnusedLine() is { } line)
            {
                state.Conversation.KeepUnsent(line);
            }

            Keeper.Keep(session.Peer.Fingerprint, state, session.Peer.Name);
            int waiting = state.Conversation.Unconfirmed.Count + state.Conversation.Unsent.Count;
            _events.Publish(new ListeningForReturn(_settings.Port, session.Peer.Name, waiting));
            return null;
        }

        if (_settings.Once || outcome.WeLeft || cancellationToken.IsCancellationRequested)
        {
            return ExitCodeOf(outcome);
        }

        // The conversation read every line typed while it ran; a line still waiting was typed as it ended, and
        // the input read while waiting takes it by the same rules (/quit leaves, a message is refused with
        // the reason): discarding it here lost a /quit typed just as the peer left (issue 17).
        _events.Publish(new ListeningAgain(_settings.Port));
        return null;
    }
}
