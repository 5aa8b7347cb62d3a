// One conversation: the receiving loop shows what arrives while the sending loop reads lines and sends
// them (the two threads of the original design). Every sent line stays pending until the peer's receipt
// covers it, so whatever was never delivered can be listed rather than lost silently.
using System.Globalization;
using Microsoft.Extensions.Logging;
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
    private TaskCompletionSource? _allDelivered;
    private volatile bool _leaving;
    private ulong _deliveredThrough;
    private int _sent;
    private int _received;

    /// <summary>Chats as <paramref name="localName"/> over <paramref name="session"/>.</summary>
    public ChatLoop(SecureSession session, IChatTerminal terminal, string localName, ILogger logger, TimeSpan receiptWait)
    {
        _session = session;
        _terminal = terminal;
        _localName = localName;
        _logger = logger;
        _receiptWait = receiptWait;
    }

    /// <summary>Chats until the input ends, <c>/quit</c>, cancellation (Ctrl+C), the peer leaves, or a failure.</summary>
    public async Task<ChatOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var ended = new CancellationTokenSource();
        Task<SessionException?> receiving = ReceiveAsync(ended);
        ChatEnd end;
        try
        {
            end = await SendAsync(ended.Token, cancellationToken).ConfigureAwait(false);
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
            // A script's last lines deserve their receipts before we say goodbye (bounded).
            Task delivered;
            lock (_gate)
            {
                _allDelivered = _pending.Count == 0 ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                delivered = _allDelivered?.Task ?? Task.CompletedTask;
            }

            // Ctrl+C cuts the wait short: the goodbye still goes out and the undelivered are listed.
            await Task.WhenAny(delivered, receiving, Task.Delay(_receiptWait, cancellationToken)).ConfigureAwait(false);
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
                if (RunCommand(line.Trim()))
                {
                    return ChatEnd.Quit;
                }

                continue;
            }

            string text = _terminal.IsInteractive && line.StartsWith("//", StringComparison.Ordinal) ? line[1..] : line;
            try
            {
                ulong id = await _session.SendAsync(text, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    // The receipt can overtake SendAsync's return: then the line is delivered already.
                    if (id > _deliveredThrough)
                    {
                        _pending[id] = text;
                    }

                    _sent++;
                }

                Log.Sent(_logger, id, System.Text.Encoding.UTF8.GetByteCount(text));
                _terminal.ShowOwn(DateTimeOffset.Now, _localName, text);
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
            }
            catch (Exception e) when (e is InvalidOperationException or Protocol.Errors.SessionException)
            {
                lock (_gate)
                {
                    _unsent.Add(text); // typed but never sent: as undelivered as a line without a receipt
                }

                return ChatEnd.SessionEnded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ChatEnd.Quit;
            }
        }
    }

    /// <summary>Runs a slash command; true for <c>/quit</c>.</summary>
    private bool RunCommand(string command)
    {
        string verb = command.Split(' ', 2)[0].ToLowerInvariant();
        switch (verb)
        {
            case "/quit" or "/exit" or "/bye":
                return true;
            case "/help" or "/?":
                _terminal.ShowSystem("Commands: /verify (fingerprints and safety number), /status, /quit. Start a line with // to send a line that begins with /.");
                return false;
            case "/verify":
                PeerIdentity peer = _session.Peer;
                _terminal.ShowSystem($"You:  {_session.LocalFingerprint}");
                _terminal.ShowSystem($"{peer.Name}: {peer.Fingerprint}");
                _terminal.ShowSystem($"Safety number (the same on both screens; compare it aloud): {peer.SafetyNumber}");
                return false;
            case "/status":
                int pending;
                lock (_gate)
                {
                    pending = _pending.Count;
                }

                TimeSpan up = DateTimeOffset.Now - _started;
                _terminal.ShowSystem(string.Create(CultureInfo.InvariantCulture,
                    $"Talking to {_session.Peer.Name} ({_session.Peer.Fingerprint}) with {SuiteNames.ToWireName(_session.Suite)} for {(int)up.TotalMinutes}m{up.Seconds:00}s; sent {_sent}, received {_received}, awaiting delivery {pending}."));
                return false;
            default:
                _terminal.ShowWarning($"Unknown command {verb}. Type /help for the list, or // to send a line starting with /.");
                return false;
        }
    }

    private async Task<SessionException?> ReceiveAsync(CancellationTokenSource ended)
    {
        try
        {
            await foreach (SessionEvent e in _session.ReadEventsAsync().ConfigureAwait(false))
            {
                switch (e)
                {
                    case MessageReceived message:
                        Interlocked.Increment(ref _received);
                        Log.Received(_logger, message.Id, message.Text.Length);
                        _terminal.ShowIncoming(message.ReceivedAt, _session.Peer.Name, message.Text);
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
        finally
        {
            await ended.CancelAsync().ConfigureAwait(false);
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

        if (failure is not null)
        {
            _terminal.ShowWarning(Failures.Describe(failure, _session.Peer.Name));
        }

        if (undelivered.Count > 0)
        {
            _terminal.ShowWarning($"{undelivered.Count} message(s) were never confirmed delivered:");
            foreach (string text in undelivered)
            {
                _terminal.ShowWarning("  " + text);
            }
        }

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
public sealed record ChatOutcome(int ExitCode, IReadOnlyList<string> Undelivered, bool PeerLeft, bool WeLeft = false);
