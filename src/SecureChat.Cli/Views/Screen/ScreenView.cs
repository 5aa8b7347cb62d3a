// The full-screen view (issue 17): one more IChatTerminal and IChatEvents beside the line and script views.
// Terminal.Gui runs on a thread of its own; every call from the chat (the session's read loop, the sending
// loop, the runner) only queues its work onto that thread with the library's Invoke and returns at once, so
// a slow terminal never holds up the protocol. Typed lines and the trust box's answers travel the other way
// through one queue that the chat core reads as its input (ScreenView.Input.cs). When the screen closes, whatever the app
// said while leaving (the undelivered list) is written to the normal terminal too, where it stays.
using SecureChat.Cli.Chat;
using Terminal.Gui.App;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The chat as a full-screen terminal interface.</summary>
public sealed partial class ScreenView : IChatTerminal, IChatInput, IChatEvents, IDisposable
{
    private const int FallbackProgressWidth = 79;
    private readonly IApplication _app;
    private readonly ChatScreen _screen;
    private readonly Action<Action> _onUiThread;
    private readonly bool _listener;
    private readonly TextWriter _afterwards;
    private readonly CancellationTokenSource _leave = new();
    private readonly Lock _gate = new();
    private readonly List<string> _saidWhileLeaving = [];
    private Thread? _uiThread;
    private TerminalView? _sentences;
    private string? _unverifiedLabel;
    private volatile int _width = FallbackProgressWidth + 1;
    private bool _leaving;
    private bool _closed;

    /// <summary>
    /// A view over <paramref name="screen"/> of <paramref name="app"/>, reaching the UI thread through
    /// <paramref name="onUiThread"/> (the library's Invoke; tests run the action at once on their thread).
    /// </summary>
    internal ScreenView(IApplication app, ChatScreen screen, Action<Action> onUiThread, bool listener, TextWriter afterwards)
    {
        _app = app;
        _screen = screen;
        _onUiThread = onUiThread;
        _listener = listener;
        _afterwards = afterwards;
        screen.Input.Submitted += (_, line) => Type(line);
        screen.Input.LeaveRequested += (_, _) => RequestLeave();
        screen.Input.CompletionsListed += (_, names) => ShowSystem(PathCompletion.Listing(names));
        screen.Pane.ViewportChanged += (_, _) => _width = Math.Max(screen.Pane.Viewport.Width, 1);
    }

    /// <summary>Cancelled when the user leaves from the screen (Ctrl+C on an empty line): the same as Ctrl+C in line mode.</summary>
    public CancellationToken Leaving => _leave.Token;

    /// <summary>The window (tests inspect it).</summary>
    internal ChatScreen Screen => _screen;

    /// <inheritdoc />
    public bool IsInteractive => true;

    /// <inheritdoc />
    public int? ProgressWidth => _width - 1;

    /// <inheritdoc />
    /// <remarks>A person sees the conversation end and knows what they typed after it: nothing to list.</remarks>
    public string? TakeUnusedLine() => null;

    /// <inheritdoc />
    public void ShowIncoming(DateTimeOffset at, string name, string text) =>
        Show(new ChatLine(LineKind.Incoming, text, at, Speaker(name)));

    /// <inheritdoc />
    public void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) =>
        Show(new ChatLine(LineKind.Incoming, text, at, Speaker(name), SentAt: sentAt));

    /// <inheritdoc />
    public void ShowOwn(DateTimeOffset at, string name, string text) =>
        Show(new ChatLine(LineKind.Own, text, at, name, DeliveryMark.Sending));

    /// <inheritdoc />
    public void ShowSystem(string line) => Show(new ChatLine(LineKind.System, line));

    /// <inheritdoc />
    public void ShowWarning(string line) => Show(new ChatLine(LineKind.Warning, line));

    /// <summary>Shows a log line, dim, in the pane; false once the screen has closed (the caller writes it elsewhere).</summary>
    public bool ShowLog(string line)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
        }

        OnUiThread(() => _screen.Add(new ChatLine(LineKind.Log, line)));
        return true;
    }

    /// <inheritdoc />
    public void ShowProgress(string? line) => OnUiThread(() => _screen.ShowTransfer(line));

    /// <summary>A conversation began with <paramref name="peer"/>: the status line shows who and how, and an unverified peer speaks under a short fingerprint.</summary>
    public void ShowSession(string peer, string fingerprint, bool verified, string suite)
    {
        _unverifiedLabel = verified ? null : $"{peer} [{ScreenStatus.Shorten(fingerprint)}]";
        OnUiThread(() => _screen.Status = _screen.Status with
        {
            Connection = ConnectionState.Connected, Peer = peer, Fingerprint = fingerprint, Verified = verified, Suite = suite, Attempt = 0,
        });
    }

    /// <summary>The connection now stands at <paramref name="state"/> (<paramref name="attempt"/>: the reconnect attempt).</summary>
    public void ShowConnection(ConnectionState state, int attempt = 0) =>
        OnUiThread(() => _screen.Status = _screen.Status with { Connection = state, Attempt = attempt });

    /// <summary>
    /// Asks <paramref name="question"/> in the trust box; the answer, or Refuse when <paramref name="cancellationToken"/>
    /// is cancelled (the caller left), which also closes the box.
    /// </summary>
    public async Task<TrustChoice> AskAsync(TrustQuestion question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var shown = new TaskCompletionSource<TrustDialog>(); // the dialog's own answer leaves the UI thread
        OnUiThread(() => shown.TrySetResult(_screen.Ask(question)));
        TrustDialog dialog = await shown.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await using (cancellationToken.Register(() => OnUiThread(dialog.Withdraw)).ConfigureAwait(false))
        {
            return await dialog.Answer.ConfigureAwait(false);
        }
    }

    /// <summary>Closes the screen, gives the terminal back, and writes there what was said while leaving.</summary>
    public void Dispose()
    {
        string[] farewell;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            farewell = [.. _saidWhileLeaving];
        }

        _input.Writer.TryComplete();
        if (_uiThread is not null)
        {
            OnUiThread(() => _app.RequestStop());
            _uiThread.Join();
        }

        foreach (string line in farewell)
        {
            _afterwards.WriteLine(line);
        }

        _afterwards.Flush();
        _leave.Dispose();
    }

    private void RequestLeave()
    {
        StartLeaving();
        _leave.Cancel();
    }

    /// <summary>From now on what the app says is also kept for the terminal the screen gives back.</summary>
    private void StartLeaving()
    {
        lock (_gate)
        {
            _leaving = true;
        }
    }

    /// <summary>Keeps <paramref name="line"/> to write to the terminal when the screen closes, unless it is kept already.</summary>
    private void KeepForTerminal(ChatLine line)
    {
        lock (_gate)
        {
            if (!_leaving && !_closed)
            {
                _saidWhileLeaving.AddRange(line.DisplayLines());
            }
        }
    }

    private string Speaker(string name) => _unverifiedLabel is { } label && label.StartsWith(name + " [", StringComparison.Ordinal) ? label : name;

    private void Show(ChatLine line)
    {
        lock (_gate)
        {
            if (_closed)
            {
                foreach (string text in line.DisplayLines())
                {
                    _afterwards.WriteLine(text); // the screen is gone: the terminal keeps it
                }

                return;
            }

            if (_leaving)
            {
                _saidWhileLeaving.AddRange(line.DisplayLines());
            }
        }

        OnUiThread(() => _screen.Add(line));
    }

    private void OnUiThread(Action action)
    {
        try
        {
            _onUiThread(action);
        }
        catch (InvalidOperationException)
        {
            // The screen closed while the chat still talked: what matters was kept for the terminal.
        }
    }
}
