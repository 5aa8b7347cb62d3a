// Carrying a conversation across sessions (docs/protocol.md, "Resuming a conversation"). The initiator's
// first record is `resume`; the responder answers with its own. Each says the last text id it received
// and the lowest id it may still send; each side then resends, with their original ids, the texts the
// other had not received, before anything new. Until the peer's `resume` has been applied nothing is
// sent but pings, pongs and a goodbye, so that no new text can overtake a resent one. The resends go
// out from a background task: the pump never waits on a write (two pumps each blocked writing to the
// other would deadlock).
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    private volatile bool _resumeApplied;

    /// <summary>
    /// Waits until both sides have exchanged <c>resume</c> and returns the conversation the session carries
    /// (the responder learns which one from the initiator's).
    /// </summary>
    /// <exception cref="SessionException">The session failed first.</exception>
    /// <exception cref="InvalidOperationException">We closed the session before the conversation resumed.</exception>
    public async Task<Conversation> WaitForConversationAsync(CancellationToken cancellationToken = default)
    {
        await _resumed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Failure is { } failure)
        {
            throw failure.Again();
        }

        return _resumeApplied ? _conversation! : throw new InvalidOperationException("The session closed before the conversation resumed.");
    }

    /// <summary>Waits until the session may send (once resume has been exchanged); fails as the session does.</summary>
    private async ValueTask WaitUntilResumedAsync(CancellationToken cancellationToken)
    {
        if (!_resumed.Task.IsCompleted)
        {
            await _resumed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfUnusable();
    }

    /// <summary>The initiator's <c>resume</c>, sent as its first record. A failure is recorded (and reported by the event stream).</summary>
    private async Task SendResumeAsync(CancellationToken cancellationToken)
    {
        Conversation conversation = _conversation!;
        (ulong through, ulong first) = conversation.ResumePoint();
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _receiptSent = through;
                await WriteRecordLockedAsync(ResumeMessage(conversation, through, first)).ConfigureAwait(false);
                _sealer.PrepareNext();
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (SessionException)
        {
            // Break has recorded it; the application hears it from ReadEventsAsync.
        }
    }

    /// <summary>Applies the peer's <c>resume</c> (on the pump) and starts the answer and the resends.</summary>
    private async ValueTask ReceiveResumeAsync(InnerMessage message)
    {
        if (_resumeApplied)
        {
            throw new ProtocolViolationException("The peer sent a resume that was not expected here.");
        }

        byte[] id = message.Conversation!;
        ulong through = message.Through!.Value;
        ulong first = message.First!.Value;
        if (id.Length != Conversation.IdSize || first == 0 || first > Conversation.MaxTextId || through > Conversation.MaxTextId)
        {
            throw new ProtocolViolationException(
                $"The peer's resume is malformed (a conversation id is {Conversation.IdSize} bytes; through is 0 to 2^63 − 1 and first 1 to 2^63 − 1).");
        }

        Conversation conversation;
        if (_conversation is { } ours)
        {
            conversation = ours.HasId(id) ? ours : throw new ProtocolViolationException("The peer answered our resume with another conversation's id.");
        }
        else
        {
            conversation = _options.ResolveConversation(Peer, id);
            if (!conversation.HasId(id))
            {
                throw new InvalidOperationException("ResolveConversation returned a conversation with another id.");
            }

            _conversation = conversation;
        }

        if (through > conversation.LastSentId && (Role == Handshake.Role.Initiator || conversation.Sessions > 0))
        {
            throw new ProtocolViolationException($"The peer claims to have received text {through}; we sent only {conversation.LastSentId}.");
        }

        bool continued = conversation.Sessions > 0;
        IReadOnlyList<PendingText> resend = conversation.ApplyPeerResume(through, first);
        Volatile.Write(ref _lastSentId, conversation.LastSentId);
        Interlocked.Exchange(ref _receiptDeliveredThrough, (long)through);
        _resumeApplied = true;
        _ = Task.Run(() => AnswerAndResendAsync(conversation, resend));
        await PublishAsync(new ConversationResumed(continued, resend)).ConfigureAwait(false);
    }

    /// <summary>The responder's answer, then every text the peer has not received, then the session may send.</summary>
    private async Task AnswerAndResendAsync(Conversation conversation, IReadOnlyList<PendingText> resend)
    {
        try
        {
            await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                if (Role == Handshake.Role.Responder)
                {
                    (ulong through, ulong first) = conversation.ResumePoint();
                    _receiptSent = Math.Max(_receiptSent, through);
                    await WriteRecordLockedAsync(ResumeMessage(conversation, through, first)).ConfigureAwait(false);
                    _sealer.PrepareNext();
                }

                foreach (PendingText text in resend)
                {
                    await WriteRecordLockedAsync(new InnerMessage(InnerMessage.TextKind, Id: text.Id, SentAt: text.SentAt, Text: text.Text)).ConfigureAwait(false);
                    _sealer.PrepareNext();
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (SessionException)
        {
            // Break has recorded it.
        }
        finally
        {
            _resumed.TrySetResult();
        }
    }

    private static InnerMessage ResumeMessage(Conversation conversation, ulong through, ulong first) =>
        new(InnerMessage.ResumeKind, Through: through, Conversation: conversation.Id.ToArray(), First: first);
}
