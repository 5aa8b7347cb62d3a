// One run of the chat: load the home folder, then listen (User1) or connect (User2), decide trust, and
// run conversations. User1 keeps listening after a peer leaves, one conversation at a time: a second
// caller gets a polite "busy", and a connection that fails the handshake is logged and dropped.
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Files;
using SecureChat.Cli.Home;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Network;
using SecureChat.Cli.Trust;
using SecureChat.Cli.Views;
using SecureChat.Cli.Views.Line;
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli;

/// <summary>Runs User1 or User2 with settings from the command line.</summary>
public sealed partial class ChatRunner : IDisposable
{
    private const UnixFileMode GroupOrOtherAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>A PSK file larger than this is not a key (and is not read into memory).</summary>
    private const long MaxPskFileSize = 64 * 1024;

    private readonly ChatSettings _settings;
    private readonly IChatTerminal _terminal;
    private readonly ILogger _logger;
    private readonly Func<string, string?> _environment;
    private readonly SemaphoreSlim _trustTurn = new(1, 1);
    private readonly DropReports _drops;
    private readonly GuessLimiter _guesses;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _unverified = new(StringComparer.Ordinal);
    private int _inConversation;
    private bool _inputListed;

    /// <summary>Runs with <paramref name="settings"/>, talking through <paramref name="terminal"/>.</summary>
    public ChatRunner(ChatSettings settings, IChatTerminal terminal, ILogger logger, Func<string, string?> environment)
    {
        _settings = settings;
        _terminal = terminal;
        _logger = logger;
        _environment = environment;
        _drops = new DropReports(terminal.ShowWarning, TimeProvider.System);
        _guesses = new GuessLimiter(settings.Listener, TimeProvider.System);
    }

    /// <summary>The listener's clock for the failed-handshake limit; tests give it a manual one.</summary>
    internal TimeProvider GuessClock
    {
        init => _guesses = new GuessLimiter(_settings.Listener, value);
    }

    /// <summary>Runs until the conversation (User2) or the listening (User1) ends; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ChatHome home = ChatHome.Resolve(_settings.Home, _settings.ProgramName, _settings.Name, _environment);
        IdentityKey identity;
        Secret? psk;
        try
        {
            home.ThrowIfIdentityLeftBehind();
            home.CheckStrictModes(_settings.PskFile);
            identity = home.LoadOrCreateIdentity(out bool created);
            if (created)
            {
                Log.KeyCreated(_logger, identity.Fingerprint.ToString(), home.IdentityKeyPath);
                _terminal.ShowSystem($"Created your identity key {identity.Fingerprint} in {home.IdentityKeyPath}");
            }

            _ = KnownPeers.Load(home.KnownPeersPath); // a malformed file is reported now, not mid-handshake
            psk = LoadPsk();

            // An unsafe --accept-files folder is refused now, not at the first offer (issue 15).
            if (_settings.AcceptFilesInto is { } into)
            {
                new ReceiveFolder(into).CheckSafe();
            }
        }
        catch (Exception e) when (e is KeyFileException or KnownPeersException or IOException or UnauthorizedAccessException or ConfigurationException)
        {
            _terminal.ShowWarning(e.Message);
            return ExitCode.Configuration;
        }

        using (identity)
        using (psk)
        {
            int exitCode = _settings.Role == ChatRole.Listener
                ? await ListenAsync(identity, psk, home, cancellationToken).ConfigureAwait(false)
                : await ConnectAsync(identity, psk, home, cancellationToken).ConfigureAwait(false);
            return ListUnusedLine(exitCode, cancellationToken);
        }
    }

    /// <summary>
    /// A script's lines that no conversation read are listed like any other undelivered line (issue 6: the
    /// one read as a conversation ended used to vanish; issue 20 item 4: so did those never read), unless a
    /// list was shown already. As in the chat loop, Ctrl+C keeps its exit code.
    /// </summary>
    private int ListUnusedLine(int exitCode, CancellationToken cancellationToken)
    {
        if (_inputListed)
        {
            return exitCode;
        }

        if (UndeliveredList.Show(_terminal, [], TakeUnreadInput(cancellationToken)) == 0)
        {
            return exitCode;
        }

        return exitCode == ExitCode.Success && !cancellationToken.IsCancellationRequested ? ExitCode.Undelivered : exitCode;
    }

    /// <summary>
    /// The script's unread lines, once: the app is leaving. After Ctrl+C only the line already read is taken,
    /// since waiting on an open input is not what someone who pressed it wants.
    /// </summary>
    private UnreadInput TakeUnreadInput(CancellationToken cancellationToken)
    {
        _inputListed = true;
        return _terminal.TakeUnreadInput(cancellationToken.IsCancellationRequested ? TimeSpan.Zero : UnreadInputQuiet);
    }

    /// <summary>How long the app, leaving, waits for each further line of a script's input that is still open: lines already written are in the pipe and come at once; a short wait keeps the exit prompt.</summary>
    private static readonly TimeSpan UnreadInputQuiet = TimeSpan.FromMilliseconds(500);

    /// <summary>Releases the trust prompt's turn lock.</summary>
    public void Dispose() => _trustTurn.Dispose();

    private SessionOptions Options(IdentityKey identity, Secret? psk, ChatHome home, Func<PeerIdentity, IReadOnlyList<PeerLabel>> labels, bool reserveConversation) =>
        _settings.Timeouts.ToSessionOptions(identity, _settings.Name, psk, _settings.Suites, resolveConversation: reserveConversation ? ResolveConversation : null, expectResponder: reserveConversation ? null : peer =>
        {
            // Pin before proof (User2): a responder that is not the one expected here hears nothing keyed by the PSK.
            try
            {
                TrustVerdict? refused = Gate(home, identity).CheckBeforeProof(peer, labels(peer));
                if (refused is not null)
                {
                    _terminal.ShowWarning(refused.Message);
                }

                return refused is null;
            }
            catch (KnownPeersException e)
            {
                _terminal.ShowWarning($"Could not check the known peers, so the connection is refused: {e.Message}");
                return false;
            }
        }, trust: async (peer, ct) =>
        {
            // One question at a time, even if two callers finish their handshakes together.
            await _trustTurn.WaitAsync(ct).ConfigureAwait(false);
            bool reserved = false;
            try
            {
                // The listener claims its one conversation before asking anything: a caller that finishes
                // its handshake while another conversation runs (or is being decided) never gets a prompt.
                if (reserveConversation)
                {
                    if (Interlocked.CompareExchange(ref _inConversation, 1, 0) != 0)
                    {
                        _terminal.ShowWarning($"Turned away \"{SafeText.ForTerminal(peer.Name)}\" ({peer.Fingerprint}): already in a conversation.");
                        return false;
                    }

                    reserved = true;
                }

                // Read afresh each time, so that 'peers forget' run while we listen takes effect.
                TrustVerdict verdict = await Gate(home, identity).DecideAsync(peer, labels(peer), ct).ConfigureAwait(false);
                if (verdict.Reason is TrustReason.NewAccepted or TrustReason.AcceptedOnce)
                {
                    _unverified[peer.Fingerprint.ToString()] = true; // shown with a short fingerprint while it speaks
                }

                if (!verdict.Accepted)
                {
                    _terminal.ShowWarning(verdict.Message);
                }
                else if (verdict.Reason == TrustReason.NewAccepted)
                {
                    _terminal.ShowSystem($"First contact with {peer.Name}: remembered its key {peer.Fingerprint}. Safety number (compare it aloud; it is the same on both screens): {peer.SafetyNumber}");
                }

                reserved &= !verdict.Accepted;
                return verdict.Accepted;
            }
            catch (KnownPeersException e)
            {
                _terminal.ShowWarning($"Could not check the known peers, so the connection is refused: {e.Message}");
                return false;
            }
            finally
            {
                if (reserved)
                {
                    Volatile.Write(ref _inConversation, 0); // refused: the slot is free again
                }

                _trustTurn.Release();
            }
        });

    private TrustGate Gate(ChatHome home, IdentityKey identity) =>
        new(KnownPeers.Load(home.KnownPeersPath), _settings.Trust, _settings.PinnedPeer, _terminal.IsInteractive ? AskAsync : null, ForgetCommandPrefix(), identity.Fingerprint);

    /// <summary>How the user runs 'peers forget' for this same home, for the changed-key message.</summary>
    private string ForgetCommandPrefix() =>
        _settings.Home is { } home ? $"{_settings.Invocation ?? _settings.ProgramName} --home {AppInvocation.ShellWord(Path.GetFullPath(home))}"
        : _settings.Invocation ?? _settings.ProgramName;

    private async ValueTask<TrustAnswer> AskAsync(PeerIdentity peer, CancellationToken cancellationToken)
    {
        _terminal.ShowSystem($"First contact with \"{peer.Name}\".");
        _terminal.ShowSystem($"  Fingerprint:   {peer.Fingerprint}");
        _terminal.ShowSystem($"  Safety number: {peer.SafetyNumber}");
        _terminal.ShowSystem("Compare the safety number with them (it is the same on both screens). Type yes to trust and remember, once for this time only, no to refuse, or paste the fingerprint you were given.");
        _terminal.DiscardPendingInput(); // only what is typed after the question answers it
        string answer = (await _terminal.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "no").Trim();
        if (Fingerprint.TryParse(answer, out Fingerprint? typed))
        {
            if (typed.Equals(peer.Fingerprint))
            {
                return TrustAnswer.Accept;
            }

            _terminal.ShowWarning($"That fingerprint does not match: {peer.Name} presented {peer.Fingerprint}.");
            return TrustAnswer.Refuse;
        }

        return answer.ToLowerInvariant() switch
        {
            "y" or "yes" => TrustAnswer.Accept,
            "o" or "once" => TrustAnswer.Once,
            _ => TrustAnswer.Refuse,
        };
    }

    /// <summary>
    /// User2: connect and chat; with --reconnect, a dropped connection is re-established (a fresh handshake,
    /// the same trust checks) with a capped backoff, and the conversation resumes where it was.
    /// </summary>
    private async Task<int> ConnectAsync(IdentityKey identity, Secret? psk, ChatHome home, CancellationToken cancellationToken)
    {
        using ChatState state = NewChatState(new Conversation());
        state.UnreadInput = () => TakeUnreadInput(cancellationToken); // User2's conversation ends with the app
        SessionOptions options = Options(identity, psk, home, peer => [PeerLabel.Address(_settings.Host, _settings.Port), PeerLabel.Name(peer.Name)], reserveConversation: false);
        int reconnect = 0; // reconnect attempts since the connection last dropped; 0 before the first connection
        while (true)
        {
            if (reconnect > 0)
            {
                // Just before the attempt, so that its failure's reason follows its own line.
                _terminal.ShowWarning($"Reconnecting (attempt {reconnect} of {_settings.ReconnectAttempts})…");
            }

            (SecureSession? session, int exitCode, bool retryable) = await OpenAsync(options, state, reconnect + 1, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                if (reconnect == 0 || cancellationToken.IsCancellationRequested)
                {
                    return exitCode;
                }

                if (!retryable || reconnect >= _settings.ReconnectAttempts)
                {
                    return GiveUp(state, reconnect, retryable ? ExitCode.ConnectionFailed : exitCode, cancellationToken);
                }

                reconnect++;
                if (!await BackOffAsync(reconnect, cancellationToken).ConfigureAwait(false))
                {
                    return GiveUp(state, reconnect - 1, ExitCode.ConnectionFailed, cancellationToken);
                }

                continue;
            }

            ChatOutcome outcome;
            await using (session)
            {
                outcome = await ConverseAsync(session, state, _settings.Reconnect, cancellationToken).ConfigureAwait(false);
            }

            if (!outcome.Reconnectable || cancellationToken.IsCancellationRequested)
            {
                return ExitCodeOf(outcome);
            }

            if (_terminal.TakeUnusedLine() is { } line)
            {
                state.Conversation.KeepUnsent(line); // read as the connection dropped: it goes out first next time
            }

            reconnect = 1;
            _terminal.ShowWarning($"Connection lost — reconnecting in {BackOffDelay(reconnect).TotalSeconds:0.##} s…");
            if (!await BackOffAsync(reconnect, cancellationToken).ConfigureAwait(false))
            {
                return GiveUp(state, 0, ExitCode.ConnectionFailed, cancellationToken);
            }
        }
    }

    /// <summary>The wait before reconnect attempt <paramref name="reconnect"/> (1, 2, …): 0.25 s, doubling, at most 10 s.</summary>
    private static TimeSpan BackOffDelay(int reconnect) =>
        TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, reconnect - 1), MaxReconnectDelay.TotalMilliseconds));

    /// <summary>Waits before reconnect attempt <paramref name="reconnect"/>. False on Ctrl+C.</summary>
    private static async Task<bool> BackOffAsync(int reconnect, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(BackOffDelay(reconnect), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The longest wait between two reconnect attempts.</summary>
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    /// <summary>Reconnecting failed for good: say so, and list everything that never reached the peer.</summary>
    private int GiveUp(ChatState state, int attempts, int exitCode, CancellationToken cancellationToken)
    {
        _terminal.ShowWarning($"Gave up reconnecting to {_settings.Host}:{_settings.Port} after {attempts} attempt(s).");
        UndeliveredList.Show(_terminal, state.Undelivered(), TakeUnreadInput(cancellationToken));
        return exitCode;
    }

    /// <summary>
    /// One connection and handshake for User2. Returns the session, or null with the exit code and whether
    /// another attempt could succeed (nobody listening, busy, a lost connection; not a refused or failed check).
    /// </summary>
    private async Task<(SecureSession? Session, int ExitCode, bool Retryable)> OpenAsync(SessionOptions options, ChatState state, int attempt, CancellationToken cancellationToken)
    {
        NetworkStream? stream;
        try
        {
            stream = await ChatConnector.ConnectAsync(_settings.Host, _settings.Port, attempt == 1 ? _settings.Retries : 0, _logger, _terminal.ShowWarning, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return (null, ExitCode.Success, false);
        }

        if (stream is null)
        {
            return (null, ExitCode.ConnectionFailed, true);
        }

        try
        {
            return (await SecureSession.InitiateAsync(stream, options, state.Conversation, cancellationToken).ConfigureAwait(false), ExitCode.Success, false);
        }
        catch (SessionException e)
        {
            Log.FailureDetail(_logger, e);
            if (e is not IdentityRefusedException)
            {
                _terminal.ShowWarning(Failures.Describe(e, $"User1 at {_settings.Host}:{_settings.Port}"));
            }

            bool retryable = e is ConnectionLostException or SessionTimeoutException or PeerAbortedException { Reason: AbortReason.Busy or AbortReason.Timeout };
            return (null, Failures.ExitCodeFor(e), retryable);
        }
        catch (OperationCanceledException)
        {
            return (null, ExitCode.Success, false);
        }
    }

    private ChatState NewChatState(Conversation conversation)
    {
        var policy = new FilePolicy(_settings.AcceptFilesInto, _settings.MaxFileSize)
        {
            DefaultFolder = ReceiveFolder.DefaultPath(_environment),
            AskBeforeAccepting = _terminal.IsInteractive,
            FileMode = _settings.FileMode,
            MaxPartialFiles = _settings.MaxPartialFiles,
            MaxPartialBytes = _settings.MaxPartialBytes,
        };
        var files = new FileTransfers(_terminal, policy, _logger, TimeProvider.System);
        files.RemoveStalePartials();
        return new ChatState(conversation, files);
    }

    private async Task<ChatOutcome> ConverseAsync(SecureSession session, ChatState state, bool resumable, CancellationToken cancellationToken)
    {
        Log.Established(_logger, session.Peer.Fingerprint.ToString(), SuiteNames.ToWireName(session.Suite));
        if (state.Connections++ == 0)
        {
            _terminal.ShowSystem($"Connected to {session.Peer.Name} ({session.Peer.Fingerprint}). Type /help for commands, /verify to compare the safety number.");
        }

        // At a terminal, a peer not known before this connection speaks under its name and a short fingerprint.
        IChatTerminal view = _terminal.IsInteractive && _unverified.ContainsKey(session.Peer.Fingerprint.ToString())
            ? new UnverifiedSpeakerTerminal(_terminal, UnverifiedSpeakerTerminal.Shorten(session.Peer.Fingerprint.ToString()))
            : _terminal;
        var loop = new ChatLoop(session, state, new TerminalInput(view), new TerminalView(view), new ChatLoopSettings(_settings.Name, _settings.ReceiptWait)
        {
            Resumable = resumable,
            StartupFiles = _settings.SendFiles,
            ListRefusedLines = !_terminal.IsInteractive,
        }, _logger)
        {
            Silences = new SilenceNotice(_settings.Timeouts.Keepalive, _settings.Timeouts.Peer),
        };
        return await loop.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exit code a conversation's end calls for (the chat core decides none).</summary>
    private static int ExitCodeOf(ChatOutcome outcome) =>
        outcome.Failure is { } failure ? Failures.ExitCodeFor(failure)
        : outcome.Undelivered.Count > 0 && !outcome.Quit ? ExitCode.Undelivered
        : ExitCode.Success;

    private Secret? LoadPsk()
    {
        if (_settings.PskFile is { } file)
        {
            byte[] bytes;
            try
            {
                bytes = ReadOwnerOnly(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"Cannot read the pre-shared key file {file}: {e.Message}");
            }

            try
            {
                int length = bytes.Length;
                while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
                {
                    length--; // an editor's trailing newline is not part of the key
                }

                return length == 0 ? throw new ConfigurationException($"The pre-shared key file {file} is empty.")
                    : Strong(bytes.AsSpan(0, length), $"the file {file}", $"{Invocation} key psk > {AppInvocation.ShellWord(file)} && chmod 600 {AppInvocation.ShellWord(file)}");
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            }
        }

        if (_settings.PskVariable is { } variable)
        {
            string value = _environment(variable) is { Length: > 0 } v
                ? v
                : throw new ConfigurationException($"The environment variable {variable} (given with --psk-env) is not set or empty.");
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            try
            {
                return Strong(bytes, $"the environment variable {variable}", $"export {variable}=\"$({Invocation} key psk)\"");
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            }
        }

        return null;
    }

    private string Invocation => _settings.Invocation ?? _settings.ProgramName;

    /// <summary>The PSK as a secret, unless it could be guessed (issue 14: a 1-byte PSK was accepted, a 4-digit one fell online in 6 s).</summary>
    private static Secret Strong(ReadOnlySpan<byte> psk, string source, string remedy) =>
        PskStrength.IsStrong(psk) ? Secret.Copy(psk) : throw new ConfigurationException(
            $"The pre-shared key in {source} is too weak: {psk.Length} bytes with about {PskStrength.EstimateBits(psk):0} bits of plausible entropy, " +
            $"and at least {PskStrength.MinimumBytes} bytes and {PskStrength.MinimumBits} bits are needed, because anyone who sees one handshake can test guesses offline. " +
            $"Make a random one and give the same to your peer: {remedy}");

    /// <summary>
    /// Reads a secret file through one handle, refusing it (as the identity key is refused) when its group or
    /// others have any access: the permissions checked are those of the bytes read.
    /// </summary>
    private static byte[] ReadOwnerOnly(string file)
    {
        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(handle);
            if ((mode & GroupOrOtherAccess) != 0)
            {
                throw new ConfigurationException(
                    $"The pre-shared key file {file} is accessible by other users (mode 0{Convert.ToString((int)mode & 0x1FF, 8)}); it must be owner-only. Run: chmod 600 '{file}'");
            }
        }

        // Read as a stream, not by length: the key may come from a pipe (--psk-file <(pass show chat)).
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        byte[] buffer = new byte[MaxPskFileSize + 1];
        try
        {
            int read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
            {
                read += n;
            }

            return read <= MaxPskFileSize
                ? buffer[..read]
                : throw new ConfigurationException($"The pre-shared key file {file} is larger than {MaxPskFileSize} bytes; that is not a key file.");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        }
    }
}

/// <summary>A setting that cannot be used: a missing PSK variable, an unreadable PSK file.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ConfigurationException()
        : base("A setting cannot be used.")
    {
    }

    /// <summary>Creates the exception with a message that says what to fix.</summary>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
