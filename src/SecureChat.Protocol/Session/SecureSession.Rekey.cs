// Rekey with fresh key agreement (docs/protocol.md, "Rekey"): the starter sends `rekey` with a fresh
// P-256 key and a fresh ML-KEM-768 encapsulation key and then sends nothing until the answer; the
// answerer replies `rekey-reply` with its own P-256 key and an ML-KEM ciphertext. Both mix dh ‖ kem into
// both chains: a direction switches right after the rekey message it carries (the starter's after
// `rekey`, the answerer's after `rekey-reply`). So whoever stole the chain keys before a rekey reads
// nothing sealed after it, unless it also breaks both P-256 and ML-KEM.
// The starter holds the write lock from its `rekey` until the answer has been mixed in (that is what
// makes "sends nothing in between" true); Break and shutdown release it. When both sides start at once,
// the handshake initiator's rekey goes on and the responder drops its own to answer.
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    /// <summary>How this session's keys were agreed, for status lines.</summary>
    public const string KeyAgreementDescription = "post-quantum: ML-KEM-768 + P-256";

    private const string InitiatorRekeyLabel = "initiator rekey";
    private const string ResponderRekeyLabel = "responder rekey";

    private readonly Lock _rekeyGate = new();
    private PendingRekey? _pendingRekey;
    private RekeyAnswer? _answerDue;
    private RekeyAnswer? _receiveMixDue;
    private long _recordsSinceRekey;
    private long _lastRekeyTick = Environment.TickCount64;
    private long _lastRekeyUnixMs = -1;
    private int _rekeyCount;
    private int _autoRekeyScheduled;

    /// <summary>When the last rekey completed on this side, or null if none has yet.</summary>
    public DateTimeOffset? LastRekey =>
        Interlocked.Read(ref _lastRekeyUnixMs) is >= 0 and long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>How many rekeys this session has completed (started by either side).</summary>
    public int RekeyCount => Volatile.Read(ref _rekeyCount);

    /// <summary>
    /// Renews both chains with fresh key agreement (P-256 and ML-KEM-768) and returns once the new keys
    /// are in use. If a rekey is already under way, waits for that one.
    /// </summary>
    /// <exception cref="SessionException">The session has failed, or the peer did not answer within the peer timeout.</exception>
    /// <exception cref="InvalidOperationException">We have closed the session.</exception>
    public async Task RekeyAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await WaitUntilResumedAsync(cancellationToken).ConfigureAwait(false);
        Task done = await StartRekeyAsync(onlyIfDue: false, cancellationToken).ConfigureAwait(false);
        await done.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Both chains, for the post-compromise test to copy (its stolen keys); only the tests see a chain key's copy.</summary>
    internal (Crypto.Derivation.ChainKey Send, Crypto.Derivation.ChainKey Receive) Chains => (_sealer.Chain, _opener.Chain);

    private string SendRekeyLabel => Role == Role.Initiator ? InitiatorRekeyLabel : ResponderRekeyLabel;

    private string ReceiveRekeyLabel => Role == Role.Initiator ? ResponderRekeyLabel : InitiatorRekeyLabel;

    /// <summary>Sends our <c>rekey</c> and returns a task that completes when its answer is mixed in.</summary>
    private async Task<Task> StartRekeyAsync(bool onlyIfDue, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pendingRekey) is { } underWay)
        {
            return underWay.Done.Task;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool lockHandedOver = false;
        try
        {
            PendingRekey? pending = null;
            while (pending is null)
            {
                ThrowIfUnusable();
                if (onlyIfDue && Interlocked.Read(ref _recordsSinceRekey) < _options.RekeyAfterRecords)
                {
                    return Task.CompletedTask; // another sender started (and finished) the due rekey first
                }

                lock (_rekeyGate)
                {
                    if (_answerDue is null)
                    {
                        // Set before the write: the answer may come back at once.
                        _pendingRekey = new PendingRekey(_options.Entropy.CreateEphemeral(), _options.Entropy.CreateKemKey());
                        pending = _pendingRekey;
                    }
                }

                if (pending is null)
                {
                    // We owe the peer an answer, and it waits for it before it reads a rekey of ours.
                    await WriteDueAnswerLockedAsync().ConfigureAwait(false);
                }
            }

            lockHandedOver = true;
            try
            {
                await WriteRecordLockedAsync(new InnerMessage(
                    InnerMessage.RekeyKind, Ephemeral: pending.Ephemeral.PublicKey.ToArray(), KemKey: pending.KemKey.EncapsulationKey.Encoded.ToArray()))
                    .ConfigureAwait(false);
                pending.Written.TrySetResult();
            }
            catch (Exception e)
            {
                pending.Written.TrySetException(e);
                AbandonRekey(Failure ?? new ConnectionLostException("The rekey could not be sent."));
                throw;
            }

            return pending.Done.Task;
        }
        finally
        {
            if (!lockHandedOver)
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>Ends our unanswered rekey (failure, shutdown, the peer's goodbye) and gives the write lock back.</summary>
    private void AbandonRekey(Exception reason)
    {
        if (Interlocked.Exchange(ref _pendingRekey, null) is { } pending)
        {
            pending.Dispose();
            pending.Done.TrySetException(reason);
            ReleaseAfterWritten(pending);
        }
    }

    /// <summary>Gives back the write lock our rekey holds, but never under its own record still being written.</summary>
    private void ReleaseAfterWritten(PendingRekey pending)
    {
        if (pending.Written.Task.IsCompleted)
        {
            _writeLock.Release();
        }
        else
        {
            _ = pending.Written.Task.ContinueWith(_ => _writeLock.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The peer's answer to our rekey: mix both chains, then let writers go on.</summary>
    private void ReceiveRekeyReply(InnerMessage reply)
    {
        if (Volatile.Read(ref _pendingRekey) is not { } pending)
        {
            throw new ProtocolViolationException("The peer answered a rekey that we had not started.");
        }

        HandshakeFields.CheckEphemeral(reply.Ephemeral!);
        HandshakeFields.CheckKemCiphertext(reply.KemCiphertext!);
        using Secret secret = AgreeRekeySecret(pending.Ephemeral, reply.Ephemeral!, () => pending.KemKey.Decapsulate(reply.KemCiphertext!));
        byte[] context = RekeyContext(pending.Ephemeral.PublicKey, pending.KemKey.EncapsulationKey.Encoded, reply.Ephemeral!, reply.KemCiphertext!);
        if (Interlocked.CompareExchange(ref _pendingRekey, null, pending) != pending)
        {
            return; // abandoned meanwhile (the session failed): nothing more to mix
        }

        try
        {
            _sealer.MixIn(secret.Span, SendRekeyLabel, context);
            _opener.MixIn(secret.Span, ReceiveRekeyLabel, context);
            NoteRekey();
            pending.Done.TrySetResult();
        }
        finally
        {
            pending.Dispose();
            ReleaseAfterWritten(pending);
        }
    }

    /// <summary>The peer's rekey: work out the answer now; a writer sends it (see <see cref="WriteDueAnswerLockedAsync"/>).</summary>
    private void ReceiveRekey(InnerMessage rekey)
    {
        if (_byeSent)
        {
            return; // nothing may follow our goodbye; the starter gives up its rekey when it reads it
        }

        HandshakeFields.CheckEphemeral(rekey.Ephemeral!);
        HandshakeFields.CheckKemKey(rekey.KemKey!);
        MlKem768EncapsulationKey kemKey = HandshakeFields.ImportKemKey(rekey.KemKey!);
        RekeyAnswer answer;
        using (EphemeralKeyPair ephemeral = _options.Entropy.CreateEphemeral())
        {
            byte[] ciphertext = new byte[MlKem768.CiphertextSize];
            Secret secret = AgreeRekeySecret(ephemeral, rekey.Ephemeral!, () => _options.Entropy.Encapsulate(kemKey, ciphertext));
            answer = new RekeyAnswer(
                new InnerMessage(InnerMessage.RekeyReplyKind, Ephemeral: ephemeral.PublicKey.ToArray(), KemCiphertext: ciphertext),
                secret,
                RekeyContext(rekey.Ephemeral!, rekey.KemKey!, ephemeral.PublicKey, ciphertext));
        }

        // One decision, atomic with StartRekeyAsync's: either our own rekey is under way (and the
        // initiator's wins), or the answer is due, and then we start none of our own until it is sent.
        PendingRekey? dropped = null;
        RekeyAnswer? replaced;
        lock (_rekeyGate)
        {
            if (_pendingRekey is { } ours)
            {
                if (Role == Role.Initiator)
                {
                    answer.Dispose();
                    return; // both started: the initiator's rekey goes on, the responder drops its own
                }

                if (Interlocked.CompareExchange(ref _pendingRekey, null, ours) == ours)
                {
                    dropped = ours; // its write lock passes to the answer, which completes its callers
                    answer.Completes = ours.Done;
                }
            }

            replaced = Interlocked.Exchange(ref _answerDue, answer);
        }

        replaced?.Dispose();
        _ = Task.Run(() => WriteDueAnswerAsync(dropped));
    }

    /// <summary>Writes the due answer; <paramref name="dropped"/> is our own rekey it replaces, whose write lock it inherits.</summary>
    private async Task WriteDueAnswerAsync(PendingRekey? dropped)
    {
        try
        {
            if (dropped is null)
            {
                await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            }

            try
            {
                if (dropped is not null)
                {
                    dropped.Dispose();
                    await dropped.Written.Task.ConfigureAwait(false); // our rekey's record is whole on the wire first
                }

                if (Failure is null)
                {
                    await WriteDueAnswerLockedAsync().ConfigureAwait(false);
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
        catch (SessionException e)
        {
            Break(e);
        }
    }

    /// <summary>Sends the answer that is due, if one is; the caller holds the write lock. Also runs before our goodbye.</summary>
    private async Task WriteDueAnswerLockedAsync()
    {
        if (Interlocked.Exchange(ref _answerDue, null) is not { } answer)
        {
            return;
        }

        try
        {
            // The starter sends nothing between its rekey and our answer, so the next record we open is under
            // the new chain; the pump mixes it in before it opens that record.
            Interlocked.Exchange(ref _receiveMixDue, answer.ForReceiving())?.Dispose();
            await WriteRecordLockedAsync(answer.Reply).ConfigureAwait(false);
            _sealer.MixIn(answer.Secret.Span, SendRekeyLabel, answer.Context);
            NoteRekey();
            answer.Completes?.TrySetResult();
        }
        finally
        {
            answer.Dispose();
        }
    }

    /// <summary>Called by the pump before it opens a record: the receiving half of an answered rekey.</summary>
    private void ApplyDueReceiveMix()
    {
        if (Volatile.Read(ref _receiveMixDue) is not null && Interlocked.Exchange(ref _receiveMixDue, null) is { } mix)
        {
            using (mix)
            {
                _opener.MixIn(mix.Secret.Span, ReceiveRekeyLabel, mix.Context);
            }
        }
    }

    private void NoteRekey()
    {
        Interlocked.Exchange(ref _recordsSinceRekey, 0);
        Volatile.Write(ref _lastRekeyTick, Environment.TickCount64);
        Interlocked.Exchange(ref _lastRekeyUnixMs, _options.Entropy.Now().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _rekeyCount);
    }

    /// <summary>After each record we send.</summary>
    private void CountSentRecord() => Interlocked.Increment(ref _recordsSinceRekey);

    /// <summary>
    /// Before a text or a file chunk: once enough records have gone out, the rekey goes first (so the
    /// count is exact, not raced by a background task). It waits for the lock, not for the answer.
    /// </summary>
    private async ValueTask RekeyIfDueAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _recordsSinceRekey) >= _options.RekeyAfterRecords && Volatile.Read(ref _pendingRekey) is null && !_byeSent)
        {
            await StartRekeyAsync(onlyIfDue: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>From the keepalive tick: rekey on time, and give up on a peer that never answers ours.</summary>
    private void CheckRekeyTimers(long now)
    {
        if (Volatile.Read(ref _pendingRekey) is { } pending)
        {
            if (now - pending.StartedAt >= (long)_options.PeerTimeout.TotalMilliseconds)
            {
                Break(new SessionTimeoutException(
                    $"The peer did not answer our rekey within {_options.PeerTimeout.TotalSeconds:0.###} s: the session is ended rather than kept on old keys."));
            }
        }
        else if (now - Volatile.Read(ref _lastRekeyTick) >= (long)_options.RekeyInterval.TotalMilliseconds)
        {
            ScheduleAutomaticRekey();
        }
    }

    private void ScheduleAutomaticRekey()
    {
        if (!_resumed.Task.IsCompleted || _byeSent || Volatile.Read(ref _closing) == 1 || Interlocked.Exchange(ref _autoRekeyScheduled, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await StartRekeyAsync(onlyIfDue: false, _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SessionException or InvalidOperationException or OperationCanceledException)
            {
                // The session has ended or is closing: the failure is reported where it happened.
            }
            finally
            {
                Volatile.Write(ref _autoRekeyScheduled, 0);
            }
        });
    }
}
