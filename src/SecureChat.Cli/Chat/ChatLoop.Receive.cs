// The receiving half of ChatLoop: the session's events become chat events (and file events go to the
// transfers); the peer's silence is watched. The conversation itself records what the receipts confirm.
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>Receiving.</summary>
public sealed partial class ChatLoop
{
    /// <summary>How often the peer's silence is looked at.</summary>
    private static readonly TimeSpan SilenceCheck = TimeSpan.FromSeconds(1);

    private async Task<SessionException?> ReceiveAsync(CancellationTokenSource ended)
    {
        try
        {
            // Not cancelled by Ctrl+C: the events end with the session, which our close ends.
            await foreach (SessionEvent e in _session.ReadEventsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (!await HandleFileEventAsync(e).ConfigureAwait(false))
                {
                    OnEvent(e);
                }
            }

            return null;
        }
        catch (SessionException failure)
        {
            Log.FailureDetail(_logger, failure);
            return failure;
        }
        catch (IOException failure)
        {
            // A file could not be written: the conversation cannot go on as if it had been.
            Log.FailureDetail(_logger, failure);
            await _session.DisposeAsync().ConfigureAwait(false);
            return new ConnectionLostException($"A received file could not be stored: {failure.Message}", failure);
        }
        finally
        {
            _state.Files.Detach();
            await ended.CancelAsync().ConfigureAwait(false);
        }
    }

    private void OnEvent(SessionEvent e)
    {
        switch (e)
        {
            case ConversationResumed resumed:
                if (resumed.Resent.Count > 0)
                {
                    lock (_gate)
                    {
                        _awaitingSince ??= TimeProvider.System.GetTimestamp();
                    }
                }

                // Before the next event: the peer may offer a file right after its resume,
                // and the offer must not find the files still detached (issue 7's end-to-end tests).
                _state.Files.Attach(_session, resumed.Continued);
                lock (_gate)
                {
                    // The peer accepted us: only now is the conversation open (issue 17 item 3).
                    if (resumed.Continued)
                    {
                        Log.Resumed(_logger, resumed.Resent.Count); // not on a first connection: nothing was resumed
                        _events.Publish(new Reconnected(_session.Peer.Name, resumed.Resent.Count));
                    }
                    else
                    {
                        _events.Publish(new Connected(_session.Peer.Name, _session.Peer.Fingerprint.ToString()));
                    }

                    _resumed.TrySetResult(resumed.Continued);
                }
                break;
            case MessageReceived message:
                lock (_gate)
                {
                    _state.Received++;
                }

                Log.Received(_logger, message.Id, message.Text.Length);
                DateTimeOffset? late = SilenceNotice.ShowsSendTime(message.SentAt, message.ReceivedAt) ? message.SentAt : null;
                _events.Publish(new MessageShown(message.ReceivedAt, _session.Peer.Name, message.Text, Own: false, late));
                break;
            case MessagesDelivered delivered:
                Delivered(delivered.Confirmed);
                break;
            case ClockSkewDetected skew:
                _events.Publish(new ClockSkewNoticed(_session.Peer.Name, skew.Skew));
                break;
            case PeerClosed when !_leaving:
                _events.Publish(new PeerLeft(_session.Peer.Name));
                break;
        }
    }

    /// <summary>Passes a file event to the transfers; a session we are closing may refuse the answer, which then does not matter.</summary>
    private async ValueTask<bool> HandleFileEventAsync(SessionEvent e)
    {
        try
        {
            return await _state.Files.OnEventAsync(e, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (_leaving || _session.Failure is not null)
        {
            return true;
        }
    }

    private void Delivered(IReadOnlyList<PendingText> confirmed)
    {
        lock (_gate)
        {
            if (Conversation.UnconfirmedCount == 0)
            {
                _awaitingSince = null;
                _allDelivered?.TrySetResult();
            }
        }

        if (confirmed.Count > 0)
        {
            _events.Publish(new DeliveredThrough(confirmed.Count, confirmed[^1].Text));
        }
    }

    /// <summary>Shows a long silence once, and its end; the session's keepalive alone decides that the peer is gone.</summary>
    private void WatchSilence()
    {
        if (Silences is null || _session.Failure is not null || _leaving)
        {
            return;
        }

        TimeSpan? awaited;
        lock (_gate)
        {
            awaited = _awaitingSince is { } since ? TimeProvider.System.GetElapsedTime(since) : null;
        }

        SilenceChange? change;
        lock (Silences)
        {
            change = Silences.Observe(_session.SilenceFromPeer, awaited);
        }

        if (change is { } c)
        {
            _events.Publish(new PeerSilence(_session.Peer.Name, c.Silence, c.Stalled));
        }
    }
}
