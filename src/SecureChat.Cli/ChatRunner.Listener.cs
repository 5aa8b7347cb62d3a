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
using SecureChat.Cli.Chat;
using SecureChat.Cli.Home;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Network;
using SecureChat.Cli.Trust;
using SecureChat.Cli.Views;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli;

public sealed partial class ChatRunner
{
    // Per peer key, so that a stranger's conversation never makes us forget a peer's (issue 13, item 9).
    private readonly KeptConversations<ChatState> _kept = new();

    private async Task<int> ListenAsync(IdentityKey identity, Secret? psk, ChatHome home, CancellationToken cancellationToken)
    {
        IPAddress address;
        try
        {
            address = ParseAddress(_settings.Host);
        }
        catch (SocketException e)
        {
            _terminal.ShowWarning($"Cannot listen on {_settings.Host}: the name does not resolve ({e.Message}). Check --host.");
            return ExitCode.ConnectionFailed;
        }

        using var listener = new TcpListener(address, _settings.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            _terminal.ShowWarning(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"Cannot listen on {_settings.Host}:{_settings.Port}: the port is in use (is another User1 running?). Choose another with --port."
                : $"Cannot listen on {_settings.Host}:{_settings.Port}: {e.Message}");
            return ExitCode.ConnectionFailed;
        }

        Log.Listening(_logger, listener.LocalEndpoint);
        _terminal.ShowSystem($"Listening on {listener.LocalEndpoint} as {_settings.Name} ({identity.Fingerprint}). Waiting for User2…");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var handshakes = new HandshakeSlots(_settings.Listener);
        var waitingRoom = new HelloWaitingRoom(_settings.Listener.MaxWaitingForHello);
        SessionOptions options = Options(identity, psk, home, peer => [PeerLabel.Name(peer.Name)], reserveConversation: true);
        int exitCode = ExitCode.Success;
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
            Log.Accepted(_logger, remote);
            running.RemoveAll(t => t.IsCompleted);
            if (Volatile.Read(ref _inConversation) == 1)
            {
                running.Add(RefuseBusyAsync(socket, remote));
                continue;
            }

            if (remote is IPEndPoint caller && !_guesses.Admits(caller.Address))
            {
                Log.GuessesLimited(_logger, remote); // before any handshake work: the caller's guesses are spent
                running.Add(RefuseBusyAsync(socket, remote));
                continue;
            }

            running.Add(Task.Run(async () =>
            {
                try
                {
                    int? result = await ServeAsync(socket, remote, options, waitingRoom, handshakes, stop.Token).ConfigureAwait(false);
                    if (result is { } code)
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
                    Log.FailureDetail(_logger, e);
                    _terminal.ShowWarning($"An internal error ended the conversation ({e.GetType().Name}: {SafeText.ForTerminal(e.Message)}). This is a defect in SecureChat; please report it with the output of --verbosity debug.");
                    if (_settings.Once)
                    {
                        exitCode = ExitCode.InternalError;
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        _terminal.ShowSystem($"Still listening on port {_settings.Port}. Waiting for User2…");
                    }
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _drops.Flush();
        foreach (ChatState kept in _kept.TakeAll())
        {
            GiveUpRetained(kept);
        }

        return exitCode;
    }

    /// <summary>Hello, handshake and conversation with one caller; an exit code when listening should stop.</summary>
    private async Task<int?> ServeAsync(Socket socket, EndPoint? remote, SessionOptions options, HelloWaitingRoom waitingRoom, HandshakeSlots handshakes, CancellationToken cancellationToken)
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
            HandshakeSlots.Slot? slot = Volatile.Read(ref _inConversation) == 1
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
                try
                {
                    // One clock: the handshake deadline began when we started waiting for the hello (docs/protocol.md, "Deadline").
                    session = await SecureSession.RespondAsync(replay, options, waited.Elapsed, handshake.Token).ConfigureAwait(false);
                }
                catch (SessionException e)
                {
                    ReportDropped(remote, e, OwnKeyRefusal(e, hello, options));
                    return null;
                }
                catch (OperationCanceledException) when (slot.WasEvicted && !cancellationToken.IsCancellationRequested)
                {
                    var stalled = new SessionTimeoutException("it stalled in the handshake while newer callers waited for a slot, so it made room for them.");
                    ReportDropped(remote, stalled, stalled.Message);
                    return null;
                }
            }

            return await ConverseAsListenerAsync(session, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The conversation with a caller whose handshake and trust decision succeeded.</summary>
    private async Task<int?> ConverseAsListenerAsync(SecureSession session, CancellationToken cancellationToken)
    {
        // The conversation slot was claimed in the trust decision.
        _drops.Flush();
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
                    _terminal.ShowWarning(Failures.Describe(e, session.Peer.Name));
                    return _settings.Once || cancellationToken.IsCancellationRequested ? Failures.ExitCodeFor(e) : null;
                }

                ChatState? state = AdoptConversation(session, conversation);
                try
                {
                    return await ConverseAndKeepAsync(session, state, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (_kept.Holds(state))
                    {
                        state = null; // kept for a reconnect
                    }

                    state?.Dispose();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _inConversation, 0);
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

            foreach (ChatState givenUp in _kept.Keep(session.Peer.Fingerprint, state.Conversation, state))
            {
                GiveUpRetained(givenUp);
            }

            int waiting = state.Conversation.Unconfirmed.Count + state.Conversation.Unsent.Count;
            _terminal.ShowSystem($"Still listening on port {_settings.Port}. If {SafeText.ForTerminal(session.Peer.Name)} reconnects, the conversation resumes" +
                (waiting > 0 ? $" and {waiting} unconfirmed message(s) are resent." : "."));
            return null;
        }

        if (_settings.Once || outcome.WeLeft || cancellationToken.IsCancellationRequested)
        {
            return ExitCodeOf(outcome);
        }

        _terminal.DiscardPendingInput(); // nothing typed for this conversation goes to the next caller
        _terminal.ShowSystem($"Still listening on port {_settings.Port}. Waiting for User2…");
        return null;
    }

    /// <summary>
    /// The responder's half of resuming: the conversation we kept for this peer's key if it names it, else
    /// a new one. Conversations kept for other keys are not touched.
    /// </summary>
    private Conversation ResolveConversation(PeerIdentity peer, ReadOnlyMemory<byte> id) =>
        _kept.Find(peer.Fingerprint, id.Span) ?? new Conversation(id.Span);

    /// <summary>The chat state for the conversation the session carries: the kept one, or a new one.</summary>
    private ChatState AdoptConversation(SecureSession session, Conversation conversation)
    {
        if (_kept.Take(conversation) is { } resumed)
        {
            return resumed;
        }

        // The same key started another conversation: the one we kept for it will not resume.
        ChatState? older = _kept.TakePeer(session.Peer.Fingerprint);
        if (older is not null)
        {
            GiveUpRetained(older);
        }

        if (older is not null || _kept.Count > 0)
        {
            _terminal.DiscardPendingInput(); // lines typed for a lost conversation do not go to this one
        }

        return NewChatState(conversation);
    }

    /// <summary>A kept conversation that will not resume: list what it never delivered.</summary>
    private void GiveUpRetained(ChatState kept)
    {
        IReadOnlyList<string> undelivered = kept.Undelivered();
        if (undelivered.Count > 0)
        {
            _terminal.ShowWarning($"The earlier conversation will not resume; {undelivered.Count} message(s) were never confirmed delivered:");
            foreach (string text in undelivered)
            {
                _terminal.ShowWarning("  " + text);
            }
        }

        kept.Dispose();
    }

    /// <summary>How long a caller may take to send its whole hello: the handshake deadline, unless a shorter wait was asked for.</summary>
    private TimeSpan HelloWait(SessionOptions options) =>
        _settings.Listener.HelloTimeout is { } hello && hello < options.HandshakeTimeout ? hello : options.HandshakeTimeout;

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
            Log.MadeRoom(_logger, remote, waitingRoom.Capacity);
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
    /// Why a caller that announced our own key refused us (issue 14: two apps sharing one home): the caller's
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
            _guesses.RecordFailure(caller.Address); // a wrong PSK (or a forged frame): one guess spent
            Log.GuessCounted(_logger, remote);
        }

        Log.HandshakeFailed(_logger, remote, failure.GetType().Name, failure.Message);
        Log.FailureDetail(_logger, failure);
        if (failure is not IdentityRefusedException)
        {
            _drops.Report($"A connection from {remote} failed the handshake and was dropped: {why ?? Failures.Describe(failure, remote?.ToString() ?? "the caller")}");
        }
    }

    private async Task RefuseBusyAsync(Socket socket, EndPoint? remote)
    {
        Log.Busy(_logger, remote);
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

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out IPAddress? address) ? address
        : Dns.GetHostAddresses(host).First();
}
