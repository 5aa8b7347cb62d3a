// User1 run in memory by the listener tests: a ChatRunner with the test's settings (ListenerSettings) and
// terminal, handed to the test once it has said it listens, and stopped and waited for at the end. What
// the listener shows still reaches the test's own terminal; on the way it is watched for "Listening on".
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>A User1 <see cref="ChatRunner"/> running in memory, started and known to listen.</summary>
internal sealed class RunningListener : IAsyncDisposable
{
    /// <summary>A bound on a hang: a listener says it listens, and returns once stopped, long before it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly ChatRunner _runner;

    private RunningListener(ChatRunner runner)
    {
        _runner = runner;
        Running = runner.RunAsync(_stop.Token);
    }

    /// <summary>The run: its exit code once the listening ends (with --once, or when stopped).</summary>
    public Task<int> Running { get; }

    /// <summary>
    /// Starts User1 with <paramref name="settings"/>, showing on <paramref name="terminal"/>, and returns once
    /// it has shown "Listening on". <paramref name="guessClock"/> replaces the clock of the failed-handshake limit.
    /// </summary>
    public static async Task<RunningListener> StartAsync(ChatSettings settings, IChatTerminal terminal, ILogger? logger = null, Func<string, string?>? environment = null, TimeProvider? guessClock = null)
    {
        if (terminal is IChatEvents)
        {
            throw new ArgumentException("A view that renders events itself would be bypassed by the watch for \"Listening on\".", nameof(terminal));
        }

        var watched = new WatchedTerminal(terminal);
        logger ??= NullLogger.Instance;
        environment ??= _ => null;
        ChatRunner runner = guessClock is null
            ? new ChatRunner(settings, watched, logger, environment)
            : new ChatRunner(settings, watched, logger, environment) { GuessClock = guessClock };
        var listener = new RunningListener(runner);
        try
        {
            Task first = await Task.WhenAny(watched.Listening, listener.Running).WaitAsync(Deadline);
            if (first != watched.Listening)
            {
                throw new InvalidOperationException($"User1 returned {await listener.Running} before it listened. Shown:\n{watched.Shown}");
            }
        }
        catch (TimeoutException)
        {
            await listener.DisposeAsync();
            throw new TimeoutException($"User1 did not say \"Listening on\" within {Deadline.TotalSeconds:0} s. Shown:\n{watched.Shown}");
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }

        return listener;
    }

    /// <summary>Stops listening (as Ctrl+C does) and returns the exit code; a failure of the run is thrown here.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Running.WaitAsync(Deadline);
    }

    /// <summary>Stops the listener if the test did not, and releases it; a failure of the run is the test's to check, with <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await ((Task)Running).WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _runner.Dispose();
        _stop.Dispose();
    }

    /// <summary>The test's terminal, unchanged but for a watch on what it is shown.</summary>
    private sealed class WatchedTerminal(IChatTerminal inner) : IChatTerminal
    {
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _shown = new();

        /// <summary>Completes when the listener has said "Listening on".</summary>
        public Task Listening => _listening.Task;

        /// <summary>The system and warning lines shown so far, for failure messages.</summary>
        public string Shown => string.Join('\n', _shown);

        public bool IsInteractive => inner.IsInteractive;

        public int? ProgressWidth => inner.ProgressWidth;

        public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => inner.ReadLineAsync(cancellationToken);

        public void DiscardPendingInput() => inner.DiscardPendingInput();

        public string? TakeUnusedLine() => inner.TakeUnusedLine();

        public UnreadInput TakeUnreadInput(TimeSpan quiet) => inner.TakeUnreadInput(quiet);

        public void ShowIncoming(DateTimeOffset at, string name, string text) => inner.ShowIncoming(at, name, text);

        public void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) => inner.ShowIncomingLate(at, sentAt, name, text);

        public void ShowOwn(DateTimeOffset at, string name, string text) => inner.ShowOwn(at, name, text);

        public void ShowSystem(string line)
        {
            _shown.Enqueue(line);
            inner.ShowSystem(line);
            if (line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        }

        public void ShowWarning(string line)
        {
            _shown.Enqueue(line);
            inner.ShowWarning(line);
        }

        public void ShowProgress(string? line) => inner.ShowProgress(line);
    }
}
