// One run of the chat, composed: the identity (Home/ChatIdentity), the trust decision (Trust/TrustPrompt),
// then dialling (Network/Dialer, User2) or listening (Network/Listener, User1) and the conversations. User1
// keeps listening after a peer leaves, one conversation at a time, and keeps a dropped one for its peer's
// return (ConversationKeeper). Every exit code other than success comes from Failures.
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
using SecureChat.Cli.Views.Screen;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli;

/// <summary>Runs User1 or User2 with settings from the command line.</summary>
public sealed partial class ChatRunner : IDisposable
{
    /// <summary>How long the app, leaving, waits for each further line of a script's input that is still open: lines already written are in the pipe and come at once; a short wait keeps the exit prompt.</summary>
    private static readonly TimeSpan UnreadInputQuiet = TimeSpan.FromMilliseconds(500);

    private readonly ChatSettings _settings;
    private readonly IChatTerminal _terminal;
    private readonly IChatEvents _events;
    private readonly ILogger _logger;
    private readonly Func<string, string?> _environment;
    private readonly TrustPrompt _trust;
    private readonly IdleInput _idle;
    private GuessLimiter _guesses;
    private bool _inputListed;

    /// <summary>Runs with <paramref name="settings"/>, talking through <paramref name="terminal"/>.</summary>
    public ChatRunner(ChatSettings settings, IChatTerminal terminal, ILogger logger, Func<string, string?> environment)
    {
        _settings = settings;
        _terminal = terminal;
        _logger = logger;
        _environment = environment;
        // The full screen reads its own input: its trust box answers as a TrustReply, not as a typed word.
        IChatInput input = terminal as IChatInput ?? new TerminalInput(terminal);
        // A view that renders events itself (the full screen) gets them as events; the others as sentences.
        IChatEvents view = terminal as IChatEvents ?? new TerminalView(terminal);
        _events = view;
        _idle = new IdleInput(input, view, settings.Role == ChatRole.Listener ? IdleActivity.Listening : IdleActivity.Reconnecting);
        _trust = new TrustPrompt(settings, terminal, input, view, _idle.HoldAsync);
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
        ChatIdentity? identity = null;
        try
        {
            try
            {
                identity = ChatIdentity.Load(_settings, _environment);
            }
            catch (Exception e)
            {
                Failure failure = Failures.Classify(e);
                _events.Publish(new FailureNoticed(failure.Sentence));
                return failure.ExitCode;
            }

            if (identity.Created)
            {
                Log.KeyCreated(_logger, identity.Key.Fingerprint.ToString(), identity.Home.IdentityKeyPath);
                _events.Publish(new IdentityCreated(identity.Key.Fingerprint.ToString(), identity.Home.IdentityKeyPath));
            }

            // An unsafe --accept-files folder is refused now, not at the first offer.
            if (_settings.AcceptFilesInto is { } into && CheckFolder(into) is { } refused)
            {
                _events.Publish(new FailureNoticed(refused.Sentence));
                return refused.ExitCode;
            }

            int exitCode = _settings.Role == ChatRole.Listener
                ? await ListenAsync(identity, cancellationToken).ConfigureAwait(false)
                : await ConnectAsync(identity, cancellationToken).ConfigureAwait(false);
            return ListUnusedLine(exitCode, cancellationToken);
        }
        finally
        {
            identity?.Dispose();
        }
    }

    /// <summary>Releases the trust prompt's turn lock and stops reading input.</summary>
    public void Dispose()
    {
        _trust.Dispose();
        _idle.Dispose();
    }

    private static Failure? CheckFolder(string folder)
    {
        try
        {
            new ReceiveFolder(folder).CheckSafe();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigurationException)
        {
            return Failures.Classify(e is ConfigurationException ? e : new ConfigurationException(e.Message, e));
        }
    }

    /// <summary>
    /// A script's lines that no conversation read are listed like any other undelivered line, unless a list
    /// was shown already: nothing typed leaves unreported. As in the chat loop, Ctrl+C keeps its exit code.
    /// </summary>
    private int ListUnusedLine(int exitCode, CancellationToken cancellationToken)
    {
        if (_inputListed || UndeliveredList.Show(_terminal, [], [], TakeUnreadInput(cancellationToken)) == 0)
        {
            return exitCode;
        }

        return Failures.WithUndelivered(exitCode, stoppedByUser: cancellationToken.IsCancellationRequested);
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

    /// <summary>
    /// User2: connect and chat; with --reconnect, a dropped connection is re-established (a fresh handshake,
    /// the same trust checks) with a capped backoff, and the conversation resumes where it was.
    /// </summary>
    private async Task<int> ConnectAsync(ChatIdentity identity, CancellationToken cancellationToken)
    {
        using ChatState state = NewChatState(new Conversation());
        state.UnreadInput = () => TakeUnreadInput(cancellationToken); // User2's conversation ends with the app
        SessionOptions options = _trust.Options(identity, peer => [PeerLabel.Address(_settings.Host, _settings.Port), PeerLabel.Name(peer.Name)], slot: null, resolveConversation: null);
        var dialer = new Dialer(_settings, _events, _logger);
        DialOutcome dialled = await dialer.ConnectAsync(options, state.Conversation, cancellationToken).ConfigureAwait(false);
        while (dialled.Session is { } session)
        {
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

            dialled = await ReconnectAsync(dialer, options, state, cancellationToken).ConfigureAwait(false);
            if (_idle.QuitAsked)
            {
                // The user left while we reconnected: what never reached the peer is listed, not dropped.
                if (dialled.Session is { } late)
                {
                    await late.DisposeAsync().ConfigureAwait(false); // it came back just as the user left
                }

                _events.Publish(new WeLeft());
                int listed = UndeliveredList.Show(_terminal, state.Undelivered(), state.UnfinishedFiles(), UnreadInput.None);
                return Failures.ForEnding(null, listed > 0, stoppedByUser: true);
            }
        }

        if (dialled.GaveUpAfter is { } attempts)
        {
            // Reconnecting failed for good: say so, and list everything that never reached the peer.
            _events.Publish(new GaveUpReconnecting(_settings.Host, _settings.Port, attempts));
            UndeliveredList.Show(_terminal, state.Undelivered(), state.UnfinishedFiles(), TakeUnreadInput(cancellationToken));
        }

        return dialled.Failure!.ExitCode;
    }

    /// <summary>
    /// Reconnects; at a terminal the input is read meanwhile, so that lines typed are queued visibly for the
    /// peer's return and /quit stops reconnecting (issue 17 item 1).
    /// </summary>
    private async Task<DialOutcome> ReconnectAsync(Dialer dialer, SessionOptions options, ChatState state, CancellationToken cancellationToken)
    {
        if (!_terminal.IsInteractive)
        {
            return await dialer.ReconnectAsync(options, state.Conversation, cancellationToken).ConfigureAwait(false);
        }

        string peer = state.PeerName ?? "the peer";
        _idle.Target = () => new QueueTarget(state, peer);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.QuitToken);
        _idle.Start();
        try
        {
            return await dialer.ReconnectAsync(options, state.Conversation, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _idle.Stop();
            (await _idle.HoldAsync().ConfigureAwait(false)).Dispose(); // no read is under way when the chat reads again
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
        var files = new FileTransfers(_terminal as IChatEvents ?? new TerminalView(_terminal), policy, _logger, TimeProvider.System);
        files.RemoveStalePartials();
        return new ChatState(conversation, files);
    }

    private async Task<ChatOutcome> ConverseAsync(SecureSession session, ChatState state, bool resumable, CancellationToken cancellationToken)
    {
        Log.Established(_logger, session.Peer.Fingerprint.ToString(), SuiteNames.ToWireName(session.Suite));
        state.Connections++; // "Connected" is the chat loop's to say: only once the peer has accepted us
        state.PeerName = session.Peer.Name;

        // At a terminal, a peer not known before this connection speaks under its name and a short fingerprint.
        IChatTerminal view = _terminal.IsInteractive && _trust.IsUnverified(session.Peer.Fingerprint)
            ? new UnverifiedSpeakerTerminal(_terminal, UnverifiedSpeakerTerminal.Shorten(session.Peer.Fingerprint.ToString()))
            : _terminal;
        // The full screen renders the events itself (delivery marks in place) and shows the peer in its status line.
        var screen = _terminal as ScreenView;
        screen?.ShowSession(session.Peer.Name, session.Peer.Fingerprint.ToString(), verified: view == _terminal, SuiteNames.ToWireName(session.Suite));
        var loop = new ChatLoop(session, state, screen ?? (IChatInput)new TerminalInput(view), screen ?? (IChatEvents)new TerminalView(view), new ChatLoopSettings(_settings.Name, _settings.ReceiptWait)
        {
            Resumable = resumable,
            StartupFiles = _settings.SendFiles,
            ListRefusedLines = !_terminal.IsInteractive,
            AwaitsPeerConfirmation = _settings.Role == ChatRole.Connector,
        }, _logger)
        {
            Silences = new SilenceNotice(_settings.Timeouts.Keepalive, _settings.Timeouts.Peer),
        };
        return await loop.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exit code a conversation's end calls for (the chat core decides none).</summary>
    private static int ExitCodeOf(ChatOutcome outcome) =>
        Failures.ForEnding(outcome.Failure, outcome.AnythingUndelivered, stoppedByUser: outcome.Quit);
}
