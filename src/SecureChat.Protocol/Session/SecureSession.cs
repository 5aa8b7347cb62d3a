// A secure session: the channel that the handshake's keys protect. One sending loop (SendAsync) and one
// receiving loop (ReadEventsAsync) may run at the same time. Inside, a pump reads and opens records in
// order and queues events; a write lock keeps each frame whole and its sequence number in wire order;
// receipts, pongs and pings go out from a background flush so that the receiving side never waits on a
// write (two peers each blocked writing to the other would deadlock).
// Latency: events reach the application's reader on the thread that read the record (no hand-over to
// another thread), a receipt waits briefly to cover the messages that follow it (as TCP and QUIC delay
// their acknowledgements), and each ratchet step is taken ahead, after a record, not before the next.
// Losing sync ends the session: Break records the first cause, sends a generic abort if it can, closes
// the stream, and every later call fails with that cause: a new exception of its type with it inside.
using System.Text;
using System.Threading.Channels;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

/// <summary>An established, mutually authenticated conversation over a stream, which it owns.</summary>
public sealed partial class SecureSession : IAsyncDisposable
{
    /// <summary>The longest text one message may carry, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>
    /// The most file bytes one chunk carries: 48 KiB keeps a chunk's buffers (its plaintext, its binary record
    /// frame) under the runtime's 85,000-byte large-object threshold, and one chunk frame crosses a 64 kbit/s
    /// link in about 6 s, well within the timeouts.
    /// </summary>
    public const int MaxFileChunkBytes = 48 * 1024;

    /// <summary>The longest file name an offer may carry, in UTF-8 bytes (the receiver makes its own safe name from it).</summary>
    public const int MaxFileNameBytes = 16 * 1024;

    /// <summary>The longest reason a reject or cancel may carry, in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 512;

    /// <summary>How many received file chunks may wait for the application (3 MiB at 48 KiB each) before the session stops reading.</summary>
    public const int MaxQueuedChunks = 64;

    /// <summary>How far apart the two clocks may be before <see cref="ClockSkewDetected"/> is reported.</summary>
    public static readonly TimeSpan ClockSkewWarningThreshold = TimeSpan.FromMinutes(5);

    private readonly Stream _stream;
    private readonly SessionOptions _options;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly SessionWriter _output;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<SessionEvent> _events = Channel.CreateBounded<SessionEvent>(
        new BoundedChannelOptions(1024)
        {
            SingleReader = false,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,

            // The reader's continuation runs on the pump's thread, straight after the record was opened: a
            // hand-over to the thread pool would cost more than the record's cryptography. The pump holds
            // no lock while it publishes, and the session never blocks a thread, so the application's code
            // can do anything there, including send and close.
            AllowSynchronousContinuations = true,
        });

    private readonly CancellationTokenSource _lifetime = new();
    private readonly Timer _keepalive;
    private readonly Timer _receiptDelay;
    private readonly Task _pump;
    private readonly TransferLedger _transfers = new();

    // File chunks waiting for the application: a chunk holds up to 48 KiB, so the 1024 events of the queue
    // could hold 48 MiB of them. A slow receiver holds the pump here instead, a few MiB at most.
    private readonly SemaphoreSlim _chunkRoom = new(MaxQueuedChunks, MaxQueuedChunks);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completed once the abort a failure calls for has been written, or could not be: closing waits for it.
    private readonly TaskCompletionSource _abortSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Every session carries a conversation: the initiator is given one; the responder learns which from the
    // initiator's resume (null until then). The peer's first record must be resume, and nothing is sent
    // before it has been applied.
    private Conversation? _conversation;
    private SessionException? _failure;
    private int _closing;
    private int _shutDown;
    private volatile bool _byeSent;
    private volatile bool _byeReceived;
    private ulong _lastSentId;
    private ulong _receiptSent;
    private long _receiptDeliveredThrough;
    private bool _skewReported;
    private long _receiptDue;
    private int _pongDue;
    private int _pingDue;
    private int _flushScheduled;
    private int _receiptDelayArmed;
    private int _waitingForApplication;
    private volatile bool _heardFromPeer;
    private long _lastReceivedAt = Environment.TickCount64;
    private long _lastPingAt = Environment.TickCount64;
    private long _lastSentAt = Environment.TickCount64;

    private SecureSession(Stream stream, SessionOptions options, HandshakeResult handshake, FrameReader reader, FrameWriter writer, Conversation? conversation)
    {
        _conversation = conversation;
        _stream = stream;
        _options = options;
        _reader = reader;
        _writer = writer;
        _output = new SessionWriter(writer, Break, _lifetime.Token);
        Role = handshake.Role;
        Suite = handshake.Suite;
        Peer = handshake.Peer;
        Direction outgoing = Role == Role.Initiator ? Direction.InitiatorToResponder : Direction.ResponderToInitiator;
        Direction incoming = Role == Role.Initiator ? Direction.ResponderToInitiator : Direction.InitiatorToResponder;
        _sealer = new RecordSealer(handshake.SendChain, Suite, outgoing, options.Entropy);
        _opener = new RecordOpener(handshake.ReceiveChain, Suite, incoming);
        TimeSpan tick = options.KeepaliveInterval / 3;
        _keepalive = new Timer(_ => OnKeepaliveTick(), null, tick, tick);
        _receiptDelay = new Timer(_ => OnReceiptDelayElapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Which side of the handshake we played.</summary>
    public Role Role { get; }

    /// <summary>The message suite the handshake chose.</summary>
    public MessageSuite Suite { get; }

    /// <summary>Who the peer proved to be.</summary>
    public PeerIdentity Peer { get; }

    /// <summary>The fingerprint of our own identity key.</summary>
    public Fingerprint LocalFingerprint => _options.Identity.Fingerprint;

    /// <summary>The safety number of the two identity keys: the same digits on both screens.</summary>
    public SafetyNumber SafetyNumber => Peer.SafetyNumber;

    /// <summary>
    /// Awaited before each background flush of receipts, pongs and pings: lets a test hold the flush back
    /// to show that nothing depends on it winning a race. Always complete in production.
    /// </summary>
    internal Task ControlFlushDelay { get; set; } = Task.CompletedTask;

    /// <summary>How many events wait for the application (for tests of the chunk bound).</summary>
    internal int QueuedEvents => _events.Reader.Count;

    /// <summary>Whether both ratchet chains have been wiped (for tests of shutdown paths).</summary>
    internal bool ChainsWiped { get; private set; }

    /// <summary>The failure that ended the session, if one did.</summary>
    public SessionException? Failure => Volatile.Read(ref _failure);

    /// <summary>How long since the last byte from the peer, as the keepalive measures it (a ping's bytes count).</summary>
    public TimeSpan SilenceFromPeer =>
        TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - Math.Max(Volatile.Read(ref _lastReceivedAt), _reader.LastProgressAt)));

    /// <summary>
    /// Seals and sends one chat message. Returns its id, which a later <see cref="MessagesDelivered"/>
    /// confirms. Cancelling gives up waiting for a turn to write; a frame, once begun, is always finished.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or longer than <see cref="MaxTextBytes"/>.</exception>
    /// <exception cref="SessionException">The session has failed (the first cause).</exception>
    /// <exception cref="InvalidOperationException">We have closed the session.</exception>
    public async ValueTask<ulong> SendAsync(string text, CancellationToken cancellationToken = default)
    {
        ValidateText(text);
        ThrowIfUnusable();
        await WaitUntilResumedAsync(cancellationToken).ConfigureAwait(false);
        await RekeyIfDueAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            long sentAt = _options.Entropy.Now().ToUnixTimeMilliseconds();
            ulong id = _conversation!.Add(text, sentAt).Id; // set once resumed, which sending waited for

            // Counted before the write: the peer's receipt can come back before WriteAsync returns.
            Volatile.Write(ref _lastSentId, id);
            await WriteFrameLockedAsync(_sealer.SealText(id, sentAt, text)).ConfigureAwait(false);
            _sealer.PrepareNext();
            return id;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The conversation this session carries, once both sides have exchanged <c>resume</c> (else null).</summary>
    public Conversation? Conversation => _resumeApplied ? _conversation : null;

    /// <summary>
    /// The peer's messages, receipts and goodbye, in order. Ends after <see cref="PeerClosed"/> or our own
    /// close; throws the session's failure (after every event that arrived intact before it).
    /// </summary>
    public async IAsyncEnumerable<SessionEvent> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out SessionEvent? item))
            {
                if (item is not FileChunkReceived chunk)
                {
                    yield return item;
                    continue;
                }

                _chunkRoom.Release();
                try
                {
                    yield return item;
                }
                finally
                {
                    // The application has moved on (or stopped reading): the chunk's pooled buffer goes back.
                    chunk.ReturnLease();
                }
            }
        }

        if (Failure is { } failure)
        {
            throw failure.Again();
        }
    }

    /// <summary>
    /// Ends the conversation gracefully: sends the authenticated goodbye, waits briefly for the peer's,
    /// and closes the stream. Safe to call more than once and after a failure.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (Interlocked.Exchange(ref _closing, 1) == 0 && Failure is null)
            {
                // Bounded: a peer that stops reading must not hold our close forever.
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(_options.FrameTimeout);
                try
                {
                    await SendByeAsync(deadline.Token).ConfigureAwait(false);
                    await _pump.WaitAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The peer did not say goodbye in time: its last records may be missing.
                }
                catch (SessionException)
                {
                    // The failure is recorded; closing goes on.
                }

                if (!_byeReceived)
                {
                    Break(new ConnectionLostException(
                        "The peer did not answer our goodbye with its own: the conversation may have been cut short (truncated)."));
                }
            }
        }
        finally
        {
            await ShutDownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the stream without a goodbye (the peer will report a possible truncation) unless closed already.</summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closing, 1);
        await ShutDownAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"SecureSession({Role}, peer {Peer.Name} {Peer.Fingerprint}, {SuiteNames.ToWireName(Suite)})";

    private static void ValidateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            throw new ArgumentException($"A message is 1 to {MaxTextBytes} bytes of UTF-8.", nameof(text));
        }

        // A lone surrogate would be replaced on the way (U+FFFD): refuse rather than send something else.
        if (!IsWellFormed(text))
        {
            throw new ArgumentException("A message must be well-formed text (it has a lone surrogate).", nameof(text));
        }
    }

    private static bool IsWellFormed(string text)
    {
        // Vectorised first: almost every text has no surrogate at all, and a 64 KiB one is 65,536 chars.
        int first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return true;
        }

        for (int i = first; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private void ThrowIfUnusable()
    {
        if (Failure is { } failure)
        {
            throw failure.Again();
        }

        if (_byeReceived)
        {
            throw new ConnectionLostException("The peer has ended the conversation.");
        }

        if (Volatile.Read(ref _closing) == 1 || _byeSent)
        {
            throw new InvalidOperationException("The session is closed.");
        }
    }

    private async Task SendByeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_byeSent && Failure is null)
            {
                // Nothing may follow our goodbye, so an answer to the peer's rekey and a receipt still due go
                // first: the peer's next record is under the chain our answer starts, and what we received
                // (and showed) before leaving is confirmed to its sender.
                await WriteDueAnswerLockedAsync().ConfigureAwait(false);
                ulong due = (ulong)Interlocked.Read(ref _receiptDue);
                if (due > _receiptSent)
                {
                    _receiptSent = due;
                    await WriteRecordLockedAsync(new InnerMessage(InnerMessage.ReceiptKind, Through: due)).ConfigureAwait(false);
                }

                await WriteRecordLockedAsync(new InnerMessage(InnerMessage.ByeKind)).ConfigureAwait(false);
                _byeSent = true;

                // Said means written: records gathered behind a slow write go out before we wait for the answer.
                await _output.DrainAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
