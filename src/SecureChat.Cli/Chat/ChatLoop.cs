// One session of a conversation: the receiving loop shows what arrives while the sending loop reads lines
// and sends them (the two threads of the original design). Every sent line stays pending until the peer's
// receipt covers it, so whatever was never delivered can be listed rather than lost silently. When the
// conversation can resume after a dropped connection, what is pending stays in the ChatState for the next
// session instead of being listed.
using System.Globalization;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Files;
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>Runs one conversation over an established session and says how it ended.</summary>
public sealed class ChatLoop
{
    private readonly SecureSession _session;
    private readonly IChatTerminal _terminal;
    private readonly string _localName;
    private readonly ILogger _logger;
    private readonly TimeSpan _receiptWait;
    private readonly SortedDictionary<ulong, string> _pending = [];
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started = DateTimeOffset.Now;
    private readonly List<string> _unsent = [];
    private readonly ChatState _state;
    private readonly bool _resumable;
    private readonly IReadOnlyList<string> _startupFiles;
    private readonly TaskCompletionSource<bool> _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _allDelivered;
    private volatile bool _leaving;
    private ulong _deliveredThrough;
    private long? _awaitingSince;

    /// <summary>Chats as <paramref name="localName"/> over <paramref name="session"/>, a session without a conversation to resume.</summary>
    public ChatLoop(SecureSession session, IChatTerminal terminal, string localName, ILogger logger, TimeSpan receiptWait)
        : this(session, terminal, localName, logger, receiptWait, new ChatState(null, new FileTransfers(terminal, new FilePolicy(null, ByteSize.DefaultMaxFileSize), logger, TimeProvider.System)), resumable: false, [])
    {
    }

    /// <summary>
    /// Chats over <paramref name="session"/>, one of the sessions of the conversation in <paramref name="state"/>.
    /// With <paramref name="resumable"/>, a lost connection keeps what is pending for the next session.
    /// </summary>
    public ChatLoop(SecureSession session, IChatTerminal terminal, string localName, ILogger logger, TimeSpan receiptWait, ChatState state, bool resumable, IReadOnlyList<string> startupFiles)
    {
        _session = session;
        _terminal = terminal;
        _localName = localName;
        _logger = logger;
        _receiptWait = receiptWait;
        _state = state;
        _resumable = resumable;
        _startupFiles = startupFiles;
        if (state.Conversation is null)
        {
            _resumed.SetResult(false);
        }
    }

    /// <summary>Tells the peer's long silences (issue 20 item 7); null to tell none.</summary>
    public SilenceNotice? Silences { get; init; }

    /// <summary>Chats until the input ends, <c>/quit</c>, cancellation (Ctrl+C), the peer leaves, or a failure.</summary>
    public async Task<ChatOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var ended = new CancellationTokenSource();
        if (_state.Conversation is null)
        {
            _state.Files.Attach(_session, continued: false); // no resume to wait for: files may come at once
        }

        Task<SessionException?> receiving = ReceiveAsync(ended);
        using ITimer? silenceWatch = Silences is null ? null : TimeProvider.System.CreateTimer(_ => WatchSilence(), null, SilenceCheck, SilenceCheck);
        ChatEnd end;
        try
        {
            end = await StartAsync(ended.Token, cancellationToken).ConfigureAwait(false)
                ?? await SendAsync(ended.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionException)
        {
            end = ChatEnd.SessionEnded;
        }

        if (end == ChatEnd.SessionEnded)
        {
            SessionException? failure = await receiving.ConfigureAwait(false);
            return Finish(failure, peerLeft: failure is null);
        }

        if (end == ChatEnd.InputEnded)
        {
            // A script's files are finished before it leaves: their progress shows they are not stuck.
            await Task.WhenAny(_state.Files.WhenIdleAsync(), receiving, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);

            // A script's last lines deserve their receipts before we say goodbye (bounded).
            Task delivered;
            lock (_gate)
            {
                _allDelivered = _pending.Count == 0 ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                delivered = _allDelivered?.Task ?? Task.CompletedTask;
            }

            // Ctrl+C cuts the wait short: the goodbye still goes out and the undelivered are listed.
            await Task.WhenAny(delivered, receiving, Task.Delay(_receiptWait, cancellationToken)).ConfigureAwait(false);

            // The connection dropped while a file or a line was still on its way: in a conversation that
            // survives that, the next session finishes the job (its input has ended too, so it only waits).
            SessionException? dropped = receiving.IsCompleted ? await receiving.ConfigureAwait(false) : null;
            if (_resumable && IsDrop(dropped) && HasWorkLeft())
            {
                return Finish(dropped, peerLeft: false);
            }
        }

        _leaving = true;
        _terminal.ShowSystem("You left the conversation.");
        await _session.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        await ended.CancelAsync().ConfigureAwait(false);
        SessionException? late = await receiving.ConfigureAwait(false);
        if (late is ConnectionLostException)
        {
            // We were leaving anyway; the peer's missing goodbye is worth a warning, not a failed exit.
            _terminal.ShowWarning(Failures.Describe(late, _session.Peer.Name));
            late = null;
        }

        return Finish(late, peerLeft: false, quit: end == ChatEnd.Quit);
    }

    /// <summary>
    /// Before reading input: wait for the conversation to resume (the resends go first; the files were
    /// attached as it resumed), offer again the files a dropped connection interrupted, send the lines
    /// kept from the last session, and offer the files given with --send. Null to go on.
    /// </summary>
    private async Task<ChatEnd?> StartAsync(CancellationToken sessionEnded, CancellationToken cancellationToken)
    {
        bool continued;
        try
        {
            continued = await _resumed.Task.WaitAsync(sessionEnded).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return sessionEnded.IsCancellationRequested ? ChatEnd.SessionEnded : ChatEnd.Quit;
        }

        if (continued)
        {
            await _state.Files.OfferAgainAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (string line in _state.TakeUnsent())
        {
            if (!await SendLineAsync(line, cancellationToken).ConfigureAwait(false))
            {
                return ChatEnd.SessionEnded;
            }
        }

        if (!_state.OfferedStartupFiles)
        {
            _state.OfferedStartupFiles = true;
            foreach (string path in _startupFiles)
            {
                await _state.Files.OfferAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private async Task<ChatEnd> SendAsync(CancellationToken sessionEnded, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(sessionEnded, cancellationToken);
        while (true)
        {
            string? line;
            try
            {
                line = await _terminal.ReadLineAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return sessionEnded.IsCancellationRequested ? ChatEnd.SessionEnded : ChatEnd.Quit;
            }

            if (line is null)
            {
                return ChatEnd.InputEnded;
            }

            if (line.Length == 0)
            {
                continue;
            }

            // Commands are for people; a script's lines are all messages, slashes included.
            if (_terminal.IsInteractive && line.StartsWith('/') && !line.StartsWith("//", StringComparison.Ordinal))
            {
                if (await RunCommandAsync(line.Trim(), cancellationToken).ConfigureAwait(false))
                {
                    return ChatEnd.Quit;
                }

                continue;
            }

            string text = _terminal.IsInteractive && line.StartsWith("//", StringComparison.Ordinal) ? line[1..] : line;
            try
            {
                if (!await SendLineAsync(text, cancellationToken).ConfigureAwait(false))
                {
                    return ChatEnd.SessionEnded;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ChatEnd.Quit;
            }
        }
    }

    /// <summary>Sends one line; false when the session has ended (the line is then kept or listed).</summary>
    private async Task<bool> SendLineAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            ulong id = await _session.SendAsync(text, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // The receipt can overtake SendAsync's return: then the line is delivered already.
                if (id > _deliveredThrough)
                {
                    _pending[id] = text;
                    _awaitingSince ??= TimeProvider.System.GetTimestamp();
                }

                _state.Sent++;
            }

            Log.Sent(_logger, id, System.Text.Encoding.UTF8.GetByteCount(text));
            _terminal.ShowOwn(DateTimeOffset.Now, _localName, text);
            return true;
        }
        catch (ArgumentException e)
        {
            _terminal.ShowWarning($"Not sent: {e.Message.Split(" (Parameter", 2)[0]}");
            if (!_terminal.IsInteractive)
            {
                lock (_gate)
                {
                    _unsent.Add(text.Length > 60 ? text[..60] + "…" : text); // a script learns it through the exit code
                }
            }

            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or SessionException)
        {
            if (_resumable)
            {
                _state.KeepUnsent(text); // typed but never sent: the next session sends it first
            }
            else
            {
                lock (_gate)
                {
                    _unsent.Add(text); // typed but never sent: as undelivered as a line without a receipt
                }
            }

            return false;
        }
    }

    /// <summary>Runs a slash command; true for <c>/quit</c>.</summary>
    private async Task<bool> RunCommandAsync(string command, CancellationToken cancellationToken)
    {
        string[] parts = command.Split(' ', 2, StringSplitOptions.TrimEntries);
        string verb = parts[0].ToLowerInvariant();
        string argument = parts.Length > 1 ? parts[1] : string.Empty;
        switch (verb)
        {
            case "/quit" or "/exit" or "/bye":
                return true;
            case "/help" or "/?":
                _terminal.ShowSystem("Commands: /send PATH (offer a file), /accept [N] and /reject [N] (a file offer), /verify (fingerprints and safety number), /status, /rekey (fresh keys now), /quit. Start a line with // to send a line that begins with /.");
                return false;
            case "/send":
                if (argument.Length == 0)
                {
                    _terminal.ShowWarning("Usage: /send PATH");
                }
                else
                {
                    string path = argument.Length > 1 && argument[0] == '"' && argument[^1] == '"' ? argument[1..^1] : argument;
                    _ = Task.Run(() => _state.Files.OfferFromPromptAsync(path, cancellationToken), CancellationToken.None); // hashing a large file must not hold the prompt
                }

                return false;
            case "/accept" or "/reject":
                int? number = int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
                try
                {
                    await (verb == "/accept" ? _state.Files.AcceptAsync(number, cancellationToken) : _state.Files.RejectAsync(number, cancellationToken)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SessionException or InvalidOperationException)
                {
                    _terminal.ShowWarning($"Could not answer the offer: {e.Message}");
                }

                return false;
            case "/verify":
                PeerIdentity peer = _session.Peer;
                _terminal.ShowSystem($"You:  {_session.LocalFingerprint}");
                _terminal.ShowSystem($"{peer.Name}: {peer.Fingerprint}");
                _terminal.ShowSystem($"Safety number (the same on both screens; compare it aloud): {peer.SafetyNumber}");
                _terminal.ShowSystem(KeysLine());
                return false;
            case "/rekey":
                try
                {
                    await _session.RekeyAsync(cancellationToken).ConfigureAwait(false);
                    _terminal.ShowSystem($"Fresh keys agreed. {KeysLine()}");
                }
                catch (Exception e) when (e is SessionException or InvalidOperationException)
                {
                    _terminal.ShowWarning($"Could not rekey: {e.Message}");
                }

                return false;
            case "/status":
                int pending;
                lock (_gate)
                {
                    pending = _pending.Count;
                }

                TimeSpan up = DateTimeOffset.Now - _started;
                _terminal.ShowSystem(string.Create(CultureInfo.InvariantCulture,
                    $"Talking to {_session.Peer.Name} ({_session.Peer.Fingerprint}) with {SuiteNames.ToWireName(_session.Suite)} for {(int)up.TotalMinutes}m{up.Seconds:00}s; sent {_state.Sent}, received {_state.Received}, awaiting delivery {pending}."));
                _terminal.ShowSystem(KeysLine());
                return false;
            default:
                _terminal.ShowWarning($"Unknown command {verb}. Type /help for the list, or // to send a line starting with /.");
                return false;
        }
    }

    /// <summary>How the keys were agreed and when they were last renewed, for /status and /verify.</summary>
    private string KeysLine() => _session.LastRekey is { } last
        ? string.Create(CultureInfo.InvariantCulture, $"Keys: {SecureSession.KeyAgreementDescription}; last rekey {last.ToLocalTime():HH:mm:ss} ({_session.RekeyCount} in this session).")
        : $"Keys: {SecureSession.KeyAgreementDescription}; no rekey yet (one comes every 1,000 records or 10 minutes, or on /rekey).";

    private async Task<SessionException?> ReceiveAsync(CancellationTokenSource ended)
    {
        try
        {
            // Not cancelled by Ctrl+C: the events end with the session, which our close ends.
            await foreach (SessionEvent e in _session.ReadEventsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (await HandleFileEventAsync(e).ConfigureAwait(false))
                {
                    continue;
                }

                switch (e)
                {
                    case ConversationResumed resumed:
                        lock (_gate)
                        {
                            foreach (PendingText text in resumed.Resent)
                            {
                                _pending[text.Id] = text.Text;
                                _awaitingSince ??= TimeProvider.System.GetTimestamp();
                            }
                        }

                        // Before the next event: the peer may offer a file right after its resume,
                        // and the offer must not find the files still detached (issue 7's end-to-end tests).
                        _state.Files.Attach(_session, resumed.Continued);
                        if (resumed.Continued)
                        {
                            Log.Resumed(_logger, resumed.Resent.Count); // not on a first connection: nothing was resumed
                            _terminal.ShowSystem($"Reconnected to {SafeText.ForTerminal(_session.Peer.Name)}, {resumed.Resent.Count} message(s) resent.");
                        }

                        _resumed.TrySetResult(resumed.Continued);
                        break;
                    case MessageReceived message:
                        lock (_gate)
                        {
                            _state.Received++;
                        }

                        Log.Received(_logger, message.Id, message.Text.Length);
                        if (SilenceNotice.ShowsSendTime(message.SentAt, message.ReceivedAt))
                        {
                            _terminal.ShowIncomingLate(message.ReceivedAt, message.SentAt, _session.Peer.Name, message.Text);
                        }
                        else
                        {
                            _terminal.ShowIncoming(message.ReceivedAt, _session.Peer.Name, message.Text);
                        }

                        break;
                    case MessagesDelivered delivered:
                        Delivered(delivered.ThroughId);
                        break;
                    case ClockSkewDetected skew:
                        _terminal.ShowWarning(string.Create(CultureInfo.InvariantCulture,
                            $"{_session.Peer.Name}'s clock differs from yours by about {Math.Abs(skew.Skew.TotalMinutes):0} minutes; message times may mislead (their order does not)."));
                        break;
                    case PeerClosed when !_leaving:
                        _terminal.ShowSystem($"{_session.Peer.Name} left the conversation.");
                        break;
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

    /// <summary>
    /// A lost connection, not a failed check: the link dropped, the peer went silent, or the peer's own
    /// timeout abort (it stopped hearing us), which can only arrive late, after the outage it was about.
    /// </summary>
    internal static bool IsDrop(SessionException? failure) =>
        failure is ConnectionLostException or SessionTimeoutException or PeerAbortedException { Reason: AbortReason.Timeout };

    /// <summary>How often the peer's silence is looked at.</summary>
    private static readonly TimeSpan SilenceCheck = TimeSpan.FromSeconds(1);

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

        SilenceLine? line;
        lock (Silences)
        {
            line = Silences.Observe(_session.SilenceFromPeer, awaited, _session.Peer.Name);
        }

        if (line is { Stalled: true } stall)
        {
            _terminal.ShowWarning(stall.Text);
        }
        else if (line is { } back)
        {
            _terminal.ShowSystem(back.Text);
        }
    }

    /// <summary>Whether a line awaits its receipt or a file has not arrived verified.</summary>
    private bool HasWorkLeft()
    {
        lock (_gate)
        {
            if (_pending.Count > 0)
            {
                return true;
            }
        }

        return _state.Files.Unfinished.Count > 0;
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

    private void Delivered(ulong through)
    {
        string? last = null;
        int count = 0;
        lock (_gate)
        {
            _deliveredThrough = Math.Max(_deliveredThrough, through);
            foreach (ulong id in _pending.Keys.Where(id => id <= through).ToList())
            {
                last = _pending[id];
                _pending.Remove(id);
                count++;
            }

            if (_pending.Count == 0)
            {
                _awaitingSince = null;
                _allDelivered?.TrySetResult();
            }
        }

        if (_terminal.IsInteractive && last is not null)
        {
            string shown = last.Length > 40 ? last[..40] + "…" : last;
            _terminal.ShowSystem(count == 1 ? $"✓ delivered: {shown}" : $"✓ delivered {count} messages, up to: {shown}");
        }
    }

    private ChatOutcome Finish(SessionException? failure, bool peerLeft, bool quit = false)
    {
        List<string> undelivered;
        lock (_gate)
        {
            undelivered = [.. _pending.Values, .. _unsent];
        }

        bool resumes = _resumable && IsDrop(failure) && _state.Conversation is not null;
        if (failure is PeerAbortedException && resumes)
        {
            // The peer's "gave up waiting" arrived after the outage: its side keeps the conversation, so ours
            // says the same (issue 20 item 2: User2 used to call it final while User1 waited for it).
            _terminal.ShowWarning($"{SafeText.ForTerminal(_session.Peer.Name)} heard nothing from us for too long and dropped the connection; the conversation is kept on both sides.");
        }
        else if (failure is not null)
        {
            _terminal.ShowWarning(Failures.Describe(failure, _session.Peer.Name));
        }

        // A dropped connection, not a tampered one: what is pending waits for the next session.
        if (resumes)
        {
            Log.Ended(_logger, failure!.GetType().Name + ", resumable");
            return new ChatOutcome(Failures.ExitCodeFor(failure), undelivered, PeerLeft: false, WeLeft: false) { Reconnectable = true };
        }

        undelivered.AddRange(_state.TakeUnsent());
        undelivered.AddRange(_state.Files.Unfinished.Select(f => "file " + f));
        UnreadInput unread = _state.UnreadInput?.Invoke() ?? UnreadInput.None;
        UndeliveredList.Show(_terminal, undelivered, unread);
        undelivered.AddRange(unread.Lines);

        int exitCode = failure is not null ? Failures.ExitCodeFor(failure)
            : undelivered.Count > 0 && !quit ? ExitCode.Undelivered
            : ExitCode.Success;
        Log.Ended(_logger, failure?.GetType().Name ?? (peerLeft ? "peer left" : "closed"));
        return new ChatOutcome(exitCode, undelivered, peerLeft, WeLeft: _leaving);
    }

    private enum ChatEnd
    {
        InputEnded,
        Quit,
        SessionEnded,
    }
}

/// <summary>How a conversation ended.</summary>
/// <param name="ExitCode">The exit code it calls for.</param>
/// <param name="Undelivered">Messages sent but never confirmed delivered.</param>
/// <param name="PeerLeft">Whether the peer said goodbye.</param>
/// <param name="WeLeft">Whether we ended it (end of input, /quit, Ctrl+C).</param>
public sealed record ChatOutcome(int ExitCode, IReadOnlyList<string> Undelivered, bool PeerLeft, bool WeLeft = false)
{
    /// <summary>The connection dropped (not a failed check): the conversation can resume in a new session.</summary>
    public bool Reconnectable { get; init; }
}
