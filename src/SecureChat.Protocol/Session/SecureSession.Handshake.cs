// Running the handshake over a stream: the two entry points, the handshake deadline, the trust decision,
// and the generic abort a failing side sends before it closes. The local caller always gets the precise
// exception; the peer learns at most the phase that failed.
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    /// <summary>
    /// Runs the handshake as the initiator and starts or continues <paramref name="conversation"/> (a new
    /// <see cref="Conversation"/> starts one): our <c>resume</c> goes out at once, and sending waits for the peer's (which resends what it
    /// missed). The session owns <paramref name="stream"/> from now on and closes it on failure.
    /// </summary>
    /// <exception cref="SessionException">The handshake failed; the type says how.</exception>
    public static async Task<SecureSession> InitiateAsync(Stream stream, SessionOptions options, Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(conversation);
        options.Validate();
        using var handshake = new InitiatorHandshake(options.Identity, options.Name, options.Suites, options.PreSharedKey, options.Entropy, options.ExpectResponder);
        return await EstablishAsync(
            stream,
            options,
            async (reader, writer, clock) =>
            {
                CancellationToken token = clock.Token;
                await writer.WriteFrameAsync(handshake.CreateHello(), token).ConfigureAwait(false);
                clock.Sent();
                Frame hello = await ReadHandshakeFrameAsync(reader, options, clock).ConfigureAwait(false);

                // The key frame first: the responder unwraps our secret while we unwrap its.
                await writer.WriteFrameAsync(handshake.ReadHelloAndCreateKey(hello), token).ConfigureAwait(false);
                byte[] ourFinish = await OffSocketThread(handshake.CreateFinish, token).ConfigureAwait(false);
                await writer.WriteFrameAsync(ourFinish, token).ConfigureAwait(false);
                Frame finish = await ReadHandshakeFrameAsync(reader, options, clock).ConfigureAwait(false);
                return handshake.ReadFinish(finish);
            },
            () => AbortReason.HandshakeFailed,
            conversation,
            TimeSpan.Zero,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the handshake as the responder (the side that listened) and returns the established session,
    /// whose conversation <see cref="SessionOptions.ResolveConversation"/> finds when the initiator's
    /// <c>resume</c> names it. The session owns <paramref name="stream"/> from now on and closes it on failure.
    /// </summary>
    /// <exception cref="SessionException">The handshake failed; the type says how.</exception>
    public static Task<SecureSession> RespondAsync(Stream stream, SessionOptions options, CancellationToken cancellationToken = default) =>
        RespondAsync(stream, options, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As <see cref="RespondAsync(Stream, SessionOptions, CancellationToken)"/> for a caller that has already
    /// waited <paramref name="alreadyWaited"/> for frame 1 itself: the handshake deadline counts from when it
    /// began waiting, one clock (docs/protocol.md, "Deadline").
    /// </summary>
    /// <exception cref="SessionException">The handshake failed; the type says how.</exception>
    public static async Task<SecureSession> RespondAsync(Stream stream, SessionOptions options, TimeSpan alreadyWaited, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var handshake = new ResponderHandshake(options.Identity, options.Name, options.Suites, options.PreSharedKey, options.Entropy);
        return await EstablishAsync(
            stream,
            options,
            async (reader, writer, clock) =>
            {
                CancellationToken token = clock.Token;
                Frame hello = await ReadHandshakeFrameAsync(reader, options, clock).ConfigureAwait(false);
                await writer.WriteFrameAsync(handshake.ReadHelloAndCreateHello(hello), token).ConfigureAwait(false);
                clock.Sent();
                Frame key = await ReadHandshakeFrameAsync(reader, options, clock).ConfigureAwait(false);
                await OffSocketThread(() => handshake.ReadKey(key), token).ConfigureAwait(false);
                Frame finish = await ReadHandshakeFrameAsync(reader, options, clock).ConfigureAwait(false);
                (byte[] reply, HandshakeResult result) = handshake.ReadFinishAndCreateFinish(finish);
                try
                {
                    await writer.WriteFrameAsync(reply, token).ConfigureAwait(false);
                    return result;
                }
                catch
                {
                    result.Dispose();
                    throw;
                }
            },
            () => handshake.AbortReason,
            conversation: null,
            alreadyWaited,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What both roles do around their frame exchange: the handshake deadline (<see cref="HandshakeClock"/>), the trust decision,
    /// and on any failure the generic abort (<paramref name="handshakeReason"/> for the handshake's own
    /// failures) and the closed stream.
    /// </summary>
    private static async Task<SecureSession> EstablishAsync(
        Stream stream,
        SessionOptions options,
        Func<FrameReader, FrameWriter, HandshakeClock, Task<HandshakeResult>> exchange,
        Func<AbortReason> handshakeReason,
        Conversation? conversation,
        TimeSpan alreadyWaited,
        CancellationToken cancellationToken)
    {
        var reader = new FrameReader(stream);
        var writer = new FrameWriter(stream);
        HandshakeResult? result = null;
        try
        {
            using (var clock = new HandshakeClock(options.HandshakeTimeout, alreadyWaited, cancellationToken))
            {
                try
                {
                    result = await exchange(reader, writer, clock).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw clock.Expired(reader);
                }
            }

            await DecideTrustAsync(result, options, cancellationToken).ConfigureAwait(false);
            var session = new SecureSession(stream, options, result, reader, writer, conversation);
            if (conversation is not null) // the initiator's; the responder's comes with the peer's resume
            {
                await session.SendResumeAsync(cancellationToken).ConfigureAwait(false);
            }

            return session;
        }
        catch (Exception e)
        {
            result?.Dispose();
            await AbortAsync(writer, stream, AbortReasonFor(e, handshakeReason())).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs one side's RSA private-key operation (the unwrap, milliseconds of CPU) on the thread pool. A read
    /// completes on the socket engine's thread (the apps ask for inline completions), which every socket of
    /// the process shares: held there, the unwrap would stall the listener's other connections, and, where
    /// both ends share a process (the tests, the benchmark), it would run after the peer's unwrap instead of
    /// beside it on the other core.
    /// </summary>
    private static Task<T> OffSocketThread<T>(Func<T> privateKeyWork, CancellationToken cancellationToken) =>
        Task.Run(privateKeyWork, cancellationToken);

    private static Task OffSocketThread(Action privateKeyWork, CancellationToken cancellationToken) =>
        Task.Run(privateKeyWork, cancellationToken);

    private static async ValueTask<Frame> ReadHandshakeFrameAsync(FrameReader reader, SessionOptions options, HandshakeClock clock)
    {
        clock.Waiting();
        Frame frame = await reader.ReadFrameAsync(options.MaxHandshakePayload, options.FrameTimeout, clock.Token).ConfigureAwait(false)
            ?? throw new ConnectionLostException("The peer closed the connection during the handshake.");
        clock.Answered();
        if (FrameJson.ReadType(frame.Payload.Span) == AbortFrame.TypeName)
        {
            throw FrameJson.ParseAbort(frame.Payload.Span);
        }

        return frame;
    }

    private static async ValueTask DecideTrustAsync(HandshakeResult result, SessionOptions options, CancellationToken cancellationToken)
    {
        if (!await options.TrustPeer(result.Peer, cancellationToken).ConfigureAwait(false))
        {
            throw new IdentityRefusedException($"Refused the peer \"{result.Peer.Name}\" ({result.Peer.Fingerprint}).");
        }
    }

    /// <summary>The generic reason to send for a failure, or null when the peer needs no word (it left, or it aborted).</summary>
    private static AbortReason? AbortReasonFor(Exception failure, AbortReason handshakeReason) => failure switch
    {
        ConnectionLostException or PeerAbortedException => null,
        IdentityRefusedException => AbortReason.Refused,
        SessionTimeoutException => AbortReason.Timeout,
        OperationCanceledException => null,
        _ => handshakeReason,
    };

    private static async ValueTask AbortAsync(FrameWriter writer, Stream stream, AbortReason? reason)
    {
        if (reason is { } r)
        {
            await writer.TryWriteAbortAsync(r).ConfigureAwait(false);
        }

        await CloseQuietlyAsync(stream).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the transport, ignoring a failure to close cleanly: it is closed as far as we are concerned,
    /// and the failure that made us close is what the caller needs to hear.
    /// </summary>
    private static async ValueTask CloseQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Nothing more to do with a transport that would not close.
        }
    }
}
