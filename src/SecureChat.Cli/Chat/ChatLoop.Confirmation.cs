// The dialling side's wait for the peer's acceptance (issue 17 item 3). The handshake is over when our
// trust decision is made, but the listener's user may still be comparing the safety number: its first
// `resume` record (docs/protocol.md, "Resuming a conversation") is the sign that it accepted us. Until then
// the loop says so, reads input as ever, answers the commands that need no peer, and queues lines in the
// conversation, from where they go out first once the peer accepts (or are listed if it refuses).
namespace SecureChat.Cli.Chat;

/// <summary>Waiting for the peer to accept us.</summary>
public sealed partial class ChatLoop
{
    /// <summary>
    /// Reads input until the peer's <c>resume</c> arrives; null then, or how the chat ends early. Input
    /// that ends meanwhile gives <see cref="ChatEnd.InputEnded"/>: the queued lines still go out first.
    /// </summary>
    private async Task<ChatEnd?> AwaitConfirmationAsync(CancellationToken reading, CancellationToken sessionEnded)
    {
        string peer = _session.Peer.Name;
        lock (_gate)
        {
            // Under the lock that publishes Connected: "waiting" never follows it.
            if (!_resumed.Task.IsCompleted)
            {
                _events.Publish(new AwaitingPeerConfirmation(peer));
            }
        }

        while (!_resumed.Task.IsCompleted)
        {
            Task<ChatInput?> read = _pendingRead ??= _input.ReadAsync(reading);
            if (await Task.WhenAny(_resumed.Task, read).ConfigureAwait(false) != read)
            {
                return null; // the read stays pending for the chat that follows
            }

            (ChatInput? input, ChatEnd? stopped) = await NextInputAsync(reading, sessionEnded).ConfigureAwait(false);
            if (stopped is not null)
            {
                return stopped;
            }

            switch (input)
            {
                case null:
                    return ChatEnd.InputEnded;
                case CommandInput { Command.Verb: CommandVerb.Quit }:
                    return ChatEnd.Quit;
                case CommandInput { Command: { Verb: CommandVerb.Help or CommandVerb.Verify or CommandVerb.Status or CommandVerb.Unknown } command }:
                    await RunCommandAsync(command, CancellationToken.None).ConfigureAwait(false);
                    break;
                case CommandInput { Command: var command }:
                    _deferred.Add(command); // /send, /accept, /reject, /rekey need the conversation: they run once it opens
                    break;
                case TextInput { Text: var text }:
                    Conversation.KeepUnsent(text);
                    _events.Publish(new LineQueued(text, peer, QueuedUntil.PeerConfirms));
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// The next input (the read begun while waiting if there is one, else a new one), or, when reading was
    /// cancelled, how the chat ends: the session ended, or the user stopped it (Ctrl+C).
    /// </summary>
    private async Task<(ChatInput? Input, ChatEnd? Stopped)> NextInputAsync(CancellationToken reading, CancellationToken sessionEnded)
    {
        Task<ChatInput?> read = _pendingRead ?? _input.ReadAsync(reading);
        _pendingRead = null;
        try
        {
            return (await read.ConfigureAwait(false), null);
        }
        catch (OperationCanceledException)
        {
            return (null, sessionEnded.IsCancellationRequested ? ChatEnd.SessionEnded : ChatEnd.Quit);
        }
    }
}
