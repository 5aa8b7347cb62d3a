// The receiving half of a session: the pump that reads, opens and dispatches records, and Break, the one
// way a session fails (timers and background writes are in SecureSession.Timers.cs).
using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                // No frame timeout in a session: a frame crossing a slow or stalling link is alive while its
                // bytes keep coming, and the keepalive, which counts every byte, is the only "gone" verdict.
                Frame? frame = await _reader.ReadFrameViewAsync(_options.MaxSessionPayload, Timeout.InfiniteTimeSpan, _lifetime.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    // Even after our own goodbye: only the peer's proves that none of its last records were cut off.
                    throw new ConnectionLostException(
                        "The connection closed without the peer's goodbye: the conversation may have been cut short (truncated).");
                }

                Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
                _heardFromPeer = true;
                ReadOnlyMemory<byte> payload = frame.Value.Payload;
                if (BinaryRecordFrame.Is(payload.Span))
                {
                    ApplyDueReceiveMix();
                    await ReceiveChunkAsync(_opener.OpenChunk(payload.Span)).ConfigureAwait(false);
                    _opener.PrepareNext();
                    continue;
                }

                if (await DispatchAsync(OpenRecord(payload.Span)).ConfigureAwait(false))
                {
                    break;
                }

                _opener.PrepareNext();
            }

            _events.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            _events.Writer.TryComplete();
        }
        catch (SessionException e)
        {
            Break(e);
        }
        catch (Exception e)
        {
            // Whatever else the peer's bytes made a lower layer throw (an overflow, a bad argument) is the
            // peer's violation: it must end the session with an abort, never kill the pump in silence.
            Break(new ProtocolViolationException($"The peer's input could not be handled ({e.GetType().Name}).", e));
        }
    }

    /// <summary>Opens the record a frame carries (an abort frame ends the session with the peer's reason).</summary>
    private InnerMessage OpenRecord(ReadOnlySpan<byte> payload)
    {
        if (CanonicalRecordFrame.TryRead(payload, out ulong sequence, out ReadOnlySpan<byte> sealedBase64))
        {
            ApplyDueReceiveMix();
            return _opener.Open(sequence, sealedBase64);
        }

        string type = FrameJson.ReadType(payload);
        if (type == AbortFrame.TypeName)
        {
            throw FrameJson.ParseAbort(payload);
        }

        if (type != RecordFrame.TypeName)
        {
            throw new ProtocolViolationException($"Expected a record, got a {PeerText.Quote(type)} frame.");
        }

        ApplyDueReceiveMix();
        return _opener.Open(payload);
    }

    /// <summary>Acts on one authenticated message; true when it was the peer's goodbye.</summary>
    private async ValueTask<bool> DispatchAsync(InnerMessage message)
    {
        if (InnerMessage.FieldsOf(message.Kind) is not { } fields || message.Present != fields)
        {
            throw new ProtocolViolationException($"The peer sent a {PeerText.Quote(message.Kind)} message that this version does not know, or with the wrong fields.");
        }

        // The peer's resume comes before anything that needs the numbering.
        if (!_resumeApplied
            && message.Kind is not (InnerMessage.ResumeKind or InnerMessage.PingKind or InnerMessage.PongKind or InnerMessage.ByeKind
                or InnerMessage.RekeyKind or InnerMessage.RekeyReplyKind))
        {
            throw new ProtocolViolationException($"The peer sent a {message.Kind} before its resume.");
        }

        switch (message.Kind)
        {
            case InnerMessage.TextKind:
                await ReceiveTextAsync(message.Id!.Value, message.SentAt!.Value, message.Text!).ConfigureAwait(false);
                return false;
            case InnerMessage.ReceiptKind:
                ulong through = message.Through!.Value;
                ulong delivered = (ulong)Interlocked.Read(ref _receiptDeliveredThrough);
                if (through <= delivered || through > Volatile.Read(ref _lastSentId))
                {
                    throw new ProtocolViolationException($"The peer acknowledged message {through}, but receipts must move forward and cannot run ahead of what we sent.");
                }

                Interlocked.Exchange(ref _receiptDeliveredThrough, (long)through);
                IReadOnlyList<PendingText> confirmed = _conversation!.Confirm(through); // receipts come after resume
                await PublishAsync(new MessagesDelivered(through) { Confirmed = confirmed }).ConfigureAwait(false);
                return false;
            case InnerMessage.PingKind:
                Interlocked.Exchange(ref _pongDue, 1);
                ScheduleFlush();
                return false;
            case InnerMessage.PongKind:
                return false;
            case InnerMessage.ByeKind:
                _byeReceived = true;
                AbandonRekey(new ConnectionLostException("The peer ended the conversation before it answered our rekey."));
                await PublishAsync(new PeerClosed()).ConfigureAwait(false);
                await SendByeAsync(_lifetime.Token).ConfigureAwait(false);
                return true;
            case InnerMessage.ResumeKind:
                await ReceiveResumeAsync(message).ConfigureAwait(false);
                return false;
            case InnerMessage.RekeyKind:
                ReceiveRekey(message);
                return false;
            case InnerMessage.RekeyReplyKind:
                ReceiveRekeyReply(message);
                return false;
            default:
                await ReceiveFileMessageAsync(message).ConfigureAwait(false);
                return false;
        }
    }

    private async ValueTask ReceiveTextAsync(ulong id, long sentAtMilliseconds, string text)
    {
        if (id == 0 || id > Conversation.MaxTextId)
        {
            throw new ProtocolViolationException($"The peer numbered a message {id}; ids are 1 to 2^63 − 1.");
        }

        // Texts come after resume, so the conversation is known. A resent text the peer could not know had
        // arrived is dropped: each line is shown once.
        if (!_conversation!.Receive(id, out ulong expected))
        {
            return;
        }

        if (id != expected)
        {
            throw new ProtocolViolationException($"The peer numbered a message {id}; {expected} was next.");
        }

        if (text.Length == 0 || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            throw new ProtocolViolationException($"The peer sent a message of {text.Length} characters; a message is 1 to {MaxTextBytes} bytes.");
        }

        if (sentAtMilliseconds < 0 || sentAtMilliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new ProtocolViolationException("The peer's timestamp is outside the calendar.");
        }

        var received = new MessageReceived(id, text, DateTimeOffset.FromUnixTimeMilliseconds(sentAtMilliseconds), _options.Entropy.Now());
        if (!_skewReported && received.ClockSkew.Duration() > ClockSkewWarningThreshold)
        {
            _skewReported = true;
            await PublishAsync(new ClockSkewDetected(received.ClockSkew)).ConfigureAwait(false);
        }

        // Due before the application sees the text: once it has been shown, a goodbye must carry its receipt.
        Interlocked.Exchange(ref _receiptDue, (long)id);
        await PublishAsync(received).ConfigureAwait(false);
        ScheduleReceipt();
    }


    /// <summary>Records the first failure, tells the peer a generic reason if it can, and closes.</summary>
    private void Break(SessionException failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        _resumed.TrySetResult(); // a sender waiting for the resume now finds the failure
        AbandonRekey(failure); // gives back the write lock, so the abort below can be written
        if (Interlocked.Exchange(ref _answerDue, null) is { } answer)
        {
            answer.Completes?.TrySetException(failure);
            answer.Dispose();
        }

        // The events end only once the abort has been written (or could not be): the application's reader
        // runs on the thread that completes them and may close the session at once, which must not beat
        // the abort that tells the peer why.
        AbortReason? reason = failure switch
        {
            IntegrityException or ProtocolViolationException => AbortReason.SessionFailed,
            SessionTimeoutException => AbortReason.Timeout,
            _ => null,
        };
        _ = Task.Run(() => AbortThenShutDownAsync(reason));
    }

    private async Task AbortThenShutDownAsync(AbortReason? reason)
    {
        try
        {
            await TryWriteAbortAsync(reason).ConfigureAwait(false);
        }
        finally
        {
            _abortSettled.TrySetResult();
            _events.Writer.TryComplete();
            await ShutDownAsync().ConfigureAwait(false);
        }
    }

    private async Task TryWriteAbortAsync(AbortReason? reason)
    {
        // Only between frames: an abort spliced into another frame would be garbage. A receipt or pong being
        // written right now is let finish (briefly), so the peer still hears why the session ended.
        if (reason is { } r && await _writeLock.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
        {
            try
            {
                // After what is gathered behind a pending write, or not at all: an abort written beside that
                // write would land inside its frames.
                if (await IsDrainedAsync().ConfigureAwait(false))
                {
                    await _writer.TryWriteAbortAsync(r).ConfigureAwait(false);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    private async Task<bool> IsDrainedAsync()
    {
        try
        {
            await _output.DrainAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SessionException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private async Task ShutDownAsync()
    {
        if (Failure is not null)
        {
            // The application learns of a failure (a send throws, the wait for the resume ends) before the
            // abort is written; its close must not cut the stream under that abort (issue 13, item 2). The
            // wait is bounded: the abort waits at most 1 s for the writer and 1 s for the write.
            await _abortSettled.Task.ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _shutDown, 1) == 1)
        {
            return;
        }

        _resumed.TrySetResult();
        try
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await _keepalive.DisposeAsync().ConfigureAwait(false);
            await _receiptDelay.DisposeAsync().ConfigureAwait(false);
            await CloseQuietlyAsync(_stream).ConfigureAwait(false);
        }
        finally
        {
            _events.Writer.TryComplete();
            await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            // The chains are wiped once no loop can use them; a sender still waiting for the lock finds the session closed.
            AbandonRekey(new ConnectionLostException("The session was closed before the peer answered our rekey."));
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                _sealer.Dispose();
                _opener.Dispose();
                _output.Dispose();
                ChainsWiped = true;
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }
}
