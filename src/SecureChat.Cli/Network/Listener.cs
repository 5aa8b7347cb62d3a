// User1's side: accept callers, one conversation at a time. What a stranger can hold is bounded in two
// stages, as careful servers bound unauthenticated connections (OpenSSH's LoginGraceTime and
// MaxStartups, nginx's client_header_timeout): until its whole hello has arrived a caller only waits in
// a large, cheap room (it costs what it actually sent) with a short deadline, where the newest caller
// always gets a seat (the longest-waiting leaves); only a caller whose hello came gets one of the few
// handshake slots, where the RSA work is. There is no per-address limit: the real User2 often shares its
// address with whoever else is there (loopback, NAT), and such a limit would lock it out with the flood.
// Dropped callers are reported a few at a time (DropReports), so a flood cannot flood the terminal.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Trust;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Network;

/// <summary>Accepts callers and hands each established session to the conversation, one at a time.</summary>
internal sealed class Listener(ChatSettings settings, IChatEvents events, ILogger logger, GuessLimiter guesses, ConversationSlot conversationSlot)
{
    private readonly DropReports _drops = new(events.Publish, TimeProvider.System);

    /// <summary>
    /// Listens until Ctrl+C or until <paramref name="converse"/> returns an exit code; returns that code.
    /// </summary>
    /// <exception cref="UnreachableException">The address does not resolve, or the port cannot be bound.</exception>
    public async Task<int> RunAsync(SessionOptions options, Func<SecureSession, CancellationToken, Task<int?>> converse, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(Address(), settings.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new UnreachableException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"Cannot listen on {settings.Host}:{settings.Port}: the port is in use (is another User1 running?). Choose another with --port."
                : $"Cannot listen on {settings.Host}:{settings.Port}: {e.Message}", e);
        }

        Log.Listening(logger, listener.LocalEndpoint);
        events.Publish(new Listening($"{listener.LocalEndpoint}", settings.Name, options.Identity.Fingerprint.ToString()));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var handshakes = new HandshakeSlots(settings.Listener);
        var waitingRoom = new HelloWaitingRoom(settings.Listener.MaxWaitingForHello);
        int exitCode = Failures.Success;
        var running = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            socket.NoDelay = true;
            EndPoint? remote = socket.RemoteEndPoint;
            Log.Accepted(logger, remote);
            running.RemoveAll(t => t.IsCompleted);
            if (conversationSlot.IsTaken)
            {
                running.Add(RefuseBusyAsync(socket, remote));
                continue;
            }

            if (remote is IPEndPoint caller && !guesses.Admits(caller.Address))
            {
                Log.GuessesLimited(logger, remote); // before any handshake work: the caller's guesses are spent
                running.Add(RefuseBusyAsync(socket, remote));
                continue;
            }

            running.Add(Task.Run(async () =>
            {
                try
                {
                    if (await ServeAsync(socket, remote, options, waitingRoom, handshakes, converse, stop.Token).ConfigureAwait(false) is { } code)
                    {
                        exitCode = code;
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A defect of ours, not the caller's: say so, rather than end a conversation without a word.
                    Log.FailureDetail(logger, e);
                    Failure failure = Failures.Classify(e);
                    events.Publish(new FailureNoticed(failure.Sentence));
                    if (settings.Once)
                    {
                        exitCode = failure.ExitCode;
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        ListeningAgain();
                    }
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _drops.Flush();
        return exitCode;
    }

    /// <summary>Hello, handshake and conversation with one caller; an exit code when listening should stop.</summary>
    private async Task<int?> ServeAsync(Socket socket, EndPoint? remote, SessionOptions options, HelloWaitingRoom waitingRoom, HandshakeSlots handshakes, Func<SecureSession, CancellationToken, Task<int?>> converse, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true); // the session closes it too; twice is harmless
        var waited = Stopwatch.StartNew();
        byte[]? hello = await ReadHelloAsync(stream, remote, options, waitingRoom, cancellationToken).ConfigureAwait(false);
        if (hello is null)
        {
            return null;
        }

        // The RSA work waits for a slot, but no longer than a caller may take to say hello at all.
        TimeSpan left = HelloWait(options) - waited.Elapsed;
        var replay = new ReplayStream(hello, stream);
        await using (replay)
        {
            HandshakeSlots.Slot? slot = conversationSlot.IsTaken
                ? null
                : await handshakes.EnterAsync(replay, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (slot is null)
            {
                await RefuseBusyAsync(socket, remote).ConfigureAwait(false);
                return null;
            }

            SecureSession session;
            using (slot)
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot.Evicted);
                using var caller = new CallerWatch(socket, handshake.Token); // a question about a caller who left is withdrawn
                try
                {
                    // One clock: the handshake deadline began when we started waiting for the hello (docs/protocol.md, "Deadline").
                    session = await SecureSession.RespondAsync(replay, options, waited.Elapsed, caller.Token).ConfigureAwait(false);
                }
                catch (SessionException e)
                {
                    ReportDropped(remote, e, OwnKeyRefusal(e, hello, options));
                    if (e is IdentityRefusedException)
                    {
                        ListeningAgain(); // the user refused: they should see that the app goes on (issue 17 item 7)
                    }

                    return null;
                }
                catch (OperationCanceledException) when (caller.CallerLeft && !cancellationToken.IsCancellationRequested && !slot.WasEvicted)
                {
                    Log.HandshakeFailed(logger, remote, nameof(ConnectionLostException), "the caller left during the trust decision");
                    ListeningAgain();
                    return null;
                }
                catch (OperationCanceledException) when (slot.WasEvicted && !cancellationToken.IsCancellationRequested)
                {
                    var stalled = new SessionTimeoutException("it stalled in the handshake while newer callers waited for a slot, so it made room for them.");
                    ReportDropped(remote, stalled, stalled.Message);
                    return null;
                }
            }

            _drops.Flush();
            return await converse(session, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ListeningAgain() => events.Publish(new ListeningAgain(settings.Port));

    /// <summary>How long a caller may take to send its whole hello: the handshake deadline, unless a shorter wait was asked for.</summary>
    private TimeSpan HelloWait(SessionOptions options) =>
        settings.Listener.HelloTimeout is { } hello && hello < options.HandshakeTimeout ? hello : options.HandshakeTimeout;

    /// <summary>
    /// The caller's first frame, read whole within the hello timeout while it holds a seat in the waiting
    /// room; or null when it did not come (the caller is then told why if it can be, reported, and closed).
    /// </summary>
    private async Task<byte[]?> ReadHelloAsync(NetworkStream stream, EndPoint? remote, SessionOptions options, HelloWaitingRoom waitingRoom, CancellationToken cancellationToken)
    {
        SessionException failure;
        bool evicted = false;
        bool timedOut = false;
        using (HelloWaitingRoom.Seat seat = waitingRoom.Enter())
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, seat.MadeRoom);
            deadline.CancelAfter(HelloWait(options));
            try
            {
                byte[]? hello = await HelloReader.ReadAsync(stream, options.MaxHandshakePayload, deadline.Token).ConfigureAwait(false);
                if (hello is not null)
                {
                    return hello;
                }

                failure = new ConnectionLostException("The peer closed the connection during the handshake.");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                evicted = seat.WasEvicted;
                timedOut = true;
                failure = new SessionTimeoutException(evicted
                    ? $"it had sent no hello when {waitingRoom.Capacity} newer callers were waiting, so it made room for them."
                    : $"no answer: it sent no hello within {HelloWait(options).TotalSeconds:0.###} s of connecting.");
            }
            catch (SessionException e)
            {
                failure = e;
            }
            catch (OperationCanceledException)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        if (evicted)
        {
            Log.MadeRoom(logger, remote, waitingRoom.Capacity);
        }

        ReportDropped(remote, failure, timedOut ? failure.Message : null);
        AbortReason? reason = failure switch
        {
            ConnectionLostException => null,
            SessionTimeoutException => AbortReason.Timeout,
            _ => AbortReason.HandshakeFailed,
        };
        if (reason is { } r)
        {
            await new FrameWriter(stream).TryWriteAbortAsync(r).ConfigureAwait(false);
        }

        await CloseQuietlyAsync(stream).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Why a caller that announced our own key refused us (two apps sharing one home share one identity): the caller's
    /// own-key check, before proof. Null for any other failure.
    /// </summary>
    private static string? OwnKeyRefusal(SessionException failure, byte[] hello, SessionOptions options) =>
        failure is PeerAbortedException { Reason: AbortReason.Refused } && OwnKeyHello.Announces(hello, options.Identity.Fingerprint)
            ? $"it announced your own key {options.Identity.Fingerprint} and refused the connection: this is your own key. " +
              "Two apps that share one home folder share one identity; give each its own --home."
            : null;

    /// <summary>Logs a caller dropped before any conversation and tells the user (<paramref name="why"/>, or the failure's plain sentence).</summary>
    private void ReportDropped(EndPoint? remote, SessionException failure, string? why = null)
    {
        if (failure is IntegrityException && remote is IPEndPoint caller)
        {
            guesses.RecordFailure(caller.Address); // a wrong PSK (or a forged frame): one guess spent
            Log.GuessCounted(logger, remote);
        }

        Log.HandshakeFailed(logger, remote, failure.GetType().Name, failure.Message);
        Log.FailureDetail(logger, failure);
        if (failure is not IdentityRefusedException)
        {
            _drops.Report(new CallerDropped(remote?.ToString(), why ?? Failures.Describe(failure, remote?.ToString() ?? "the caller")));
        }
    }

    private async Task RefuseBusyAsync(Socket socket, EndPoint? remote)
    {
        Log.Busy(logger, remote);
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        await new FrameWriter(stream).TryWriteAbortAsync(AbortReason.Busy).ConfigureAwait(false);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The caller left first.
        }

        await CloseQuietlyAsync(stream).ConfigureAwait(false);
    }

    private static async ValueTask CloseQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Closed as far as we are concerned.
        }
    }

    private IPAddress Address()
    {
        try
        {
            return settings.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(settings.Host, out IPAddress? address) ? address
                : Dns.GetHostAddresses(settings.Host).First();
        }
        catch (SocketException e)
        {
            throw new UnreachableException($"Cannot listen on {settings.Host}: the name does not resolve ({e.Message}). Check --host.", e);
        }
    }
}
