// One session of a conversation: the receiving loop shows what arrives while the sending loop reads input
// and sends it (the two threads of the original design). Every sent line stays in the conversation until
// the peer's receipt covers it, so whatever was never delivered can be listed rather than lost silently.
// When the conversation can resume after a dropped connection, it stays for the next session instead of
// being listed. The loop renders nothing: it publishes ChatEvents, and the views decide how they read.
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>Runs one conversation over an established session and says how it ended.</summary>
public sealed partial class ChatLoop
{
    private readonly SecureSession _session;
    private readonly IChatInput _input;
    private readonly IChatEvents _events;
    private readonly ChatLoopSettings _settings;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _started = DateTimeOffset.Now;
    private readonly ChatState _state;
    private readonly TaskCompletionSource<bool> _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _allDelivered;
    private volatile bool _leaving;
    private long? _awaitingSince;
    private Task<ChatInput?>? _pendingRead;
    private readonly List<SlashCommand> _deferred = [];

    /// <summary>Chats over <paramref name="session"/>, one of the sessions of the conversation in <paramref name="state"/>.</summary>
    public ChatLoop(SecureSession session, ChatState state, IChatInput input, IChatEvents events, ChatLoopSettings settings, ILogger logger)
    {
        _session = session;
        _state = state;
        _input = input;
        _events = events;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>Tells the peer's long silences (issue 20 item 7); null to tell none.</summary>
    public SilenceNotice? Silences { get; init; }

    /// <summary>The conversation's state this loop works on (tests reach its files).</summary>
    internal ChatState State => _state;

    private Conversation Conversation => _state.Conversation;

    /// <summary>Chats until the input ends, <c>/quit</c>, cancellation (Ctrl+C), the peer leaves, or a failure.</summary>
    public async Task<ChatOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var ended = new CancellationTokenSource();
        Task<SessionException?> receiving = ReceiveAsync(ended);
        using ITimer? silenceWatch = Silences is null ? null : TimeProvider.System.CreateTimer(_ => WatchSilence(), null, SilenceCheck, SilenceCheck);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ended.Token, cancellationToken);
        ChatEnd end;
        try
        {
            end = await StartAsync(either.Token, ended.Token, cancellationToken).ConfigureAwait(false)
                ?? await SendAsync(either.Token, ended.Token, cancellationToken).ConfigureAwait(false);
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
                _allDelivered = Conversation.UnconfirmedCount == 0 ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                delivered = _allDelivered?.Task ?? Task.CompletedTask;
            }

            // Ctrl+C cuts the wait short: the goodbye still goes out and the undelivered are listed.
            await Task.WhenAny(delivered, receiving, Task.Delay(_settings.ReceiptWait, cancellationToken)).ConfigureAwait(false);

            // The connection dropped while a file or a line was still on its way: in a conversation that
            // survives that, the next session finishes the job (its input has ended too, so it only waits).
            // A failed session detaches the files before its receiving task returns: wait for it then, or the
            // drop that made the files idle would read as a finished job (a race seen in ResumeTests).
            SessionException? dropped = receiving.IsCompleted || _session.Failure is not null ? await receiving.ConfigureAwait(false) : null;
            if (_settings.Resumable && IsDrop(dropped) && HasWorkLeft())
            {
                return Finish(dropped, peerLeft: false);
            }
        }

        _leaving = true;
        _events.Publish(new WeLeft());
        await _session.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        await ended.CancelAsync().ConfigureAwait(false);
        SessionException? late = await receiving.ConfigureAwait(false);
        if (late is ConnectionLostException)
        {
            // We were leaving anyway; the peer's missing goodbye is worth a warning, not a failed exit.
            _events.Publish(new SessionFailed(late, _session.Peer.Name));
            late = null;
        }

        return Finish(late, peerLeft: false, quit: end == ChatEnd.Quit);
    }

    /// <summary>
    /// A lost connection, not a failed check: the link dropped, the peer went silent, or the peer's own
    /// timeout abort (it stopped hearing us), which can only arrive late, after the outage it was about.
    /// </summary>
    internal static bool IsDrop(SessionException? failure) =>
        failure is ConnectionLostException or SessionTimeoutException or PeerAbortedException { Reason: AbortReason.Timeout };

    /// <summary>
    /// Before reading input: wait for the conversation to resume (the resends go first; the files were
    /// attached as it resumed), offer again the files a dropped connection interrupted, send the lines
    /// kept from the last session, and offer the files given with --send. Null to go on.
    /// </summary>
    private async Task<ChatEnd?> StartAsync(CancellationToken reading, CancellationToken sessionEnded, CancellationToken cancellationToken)
    {
        ChatEnd? early = _settings.AwaitsPeerConfirmation ? await AwaitConfirmationAsync(reading, sessionEnded).ConfigureAwait(false) : null;
        if (early is ChatEnd.Quit or ChatEnd.SessionEnded)
        {
            return early;
        }

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

        IReadOnlyList<string> kept = Conversation.TakeResendable();
        for (int i = 0; i < kept.Count; i++)
        {
            if (!await SendLineAsync(kept[i], cancellationToken).ConfigureAwait(false))
            {
                foreach (string later in kept.Skip(i + 1))
                {
                    Conversation.KeepUnsent(later); // after the one that failed: the order stays the user's
                }

                return ChatEnd.SessionEnded;
            }
        }

        if (!_state.OfferedStartupFiles)
        {
            _state.OfferedStartupFiles = true;
            foreach (string path in _settings.StartupFiles)
            {
                await _state.Files.OfferAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (SlashCommand command in _deferred)
        {
            if (await RunCommandAsync(command, cancellationToken).ConfigureAwait(false))
            {
                return ChatEnd.Quit;
            }
        }

        _deferred.Clear();
        return early; // the input may have ended while the peer decided: the queued lines went out above
    }

    private async Task<ChatEnd> SendAsync(CancellationToken reading, CancellationToken sessionEnded, CancellationToken cancellationToken)
    {
        while (true)
        {
            (ChatInput? input, ChatEnd? stopped) = await NextInputAsync(reading, sessionEnded).ConfigureAwait(false);
            if (stopped is { } end)
            {
                return end;
            }

            switch (input)
            {
                case null:
                    return ChatEnd.InputEnded;
                case CommandInput { Command: var command }:
                    if (await RunCommandAsync(command, cancellationToken).ConfigureAwait(false))
                    {
                        return ChatEnd.Quit;
                    }

                    break;
                case TextInput { Text: var text }:
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

                    break;
            }
        }
    }

    /// <summary>Sends one line; false when the session has ended (the line is then kept in the conversation).</summary>
    private async Task<bool> SendLineAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            ulong id = await _session.SendAsync(text, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // The receipt can overtake SendAsync's return: then nothing is awaited any more.
                if (Conversation.UnconfirmedCount > 0)
                {
                    _awaitingSince ??= TimeProvider.System.GetTimestamp();
                }

                _state.Sent++;
            }

            Log.Sent(_logger, id, System.Text.Encoding.UTF8.GetByteCount(text));
            _events.Publish(new MessageShown(DateTimeOffset.Now, _settings.LocalName, text, Own: true));
            return true;
        }
        catch (ArgumentException e)
        {
            _events.Publish(new LineRefused(e.Message.Split(" (Parameter", 2)[0]));
            if (_settings.ListRefusedLines)
            {
                Conversation.KeepUnsent(text.Length > 60 ? text[..60] + "…" : text, resend: false);
            }

            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or SessionException)
        {
            Conversation.KeepUnsent(text); // typed but never sent: the next session sends it first, or it is listed
            return false;
        }
    }

    /// <summary>Whether a line awaits its receipt or a file has not arrived verified.</summary>
    private bool HasWorkLeft() => Conversation.UnconfirmedCount > 0 || _state.Files.Unfinished.Count > 0;

    private ChatOutcome Finish(SessionException? failure, bool peerLeft, bool quit = false)
    {
        bool resumes = _settings.Resumable && IsDrop(failure);
        if (failure is PeerAbortedException && resumes)
        {
            // The peer's "gave up waiting" arrived after the outage: its side keeps the conversation, so ours says the same.
            _events.Publish(new PeerGaveUpWaiting(_session.Peer.Name));
        }
        else if (failure is not null)
        {
            _events.Publish(new SessionFailed(failure, _session.Peer.Name));
        }

        // A dropped connection, not a tampered one: what is pending waits for the next session.
        if (resumes)
        {
            Log.Ended(_logger, failure!.GetType().Name + ", resumable");
            return new ChatOutcome(failure, _state.Undelivered(), PeerLeft: false, WeLeft: false) { Reconnectable = true, UnfinishedFiles = _state.UnfinishedFiles() };
        }

        List<string> undelivered = [.. _state.Undelivered()];
        IReadOnlyList<UnfinishedFile> files = _state.UnfinishedFiles();
        UnreadInput unread = _state.UnreadInput?.Invoke() ?? UnreadInput.None;
        _events.Publish(new UndeliveredListed([.. undelivered], unread) { Files = files });
        undelivered.AddRange(unread.Lines);
        Log.Ended(_logger, failure?.GetType().Name ?? (peerLeft ? "peer left" : "closed"));
        return new ChatOutcome(failure, undelivered, peerLeft, WeLeft: _leaving) { Quit = quit, UnfinishedFiles = files };
    }

    private enum ChatEnd
    {
        InputEnded,
        Quit,
        SessionEnded,
    }
}
