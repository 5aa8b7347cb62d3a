using System.Threading.Channels;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>A terminal driven by the test: lines go in through <see cref="Type"/>, everything shown is recorded.</summary>
internal sealed class FakeTerminal(bool interactive = false) : IChatTerminal
{
    private readonly Channel<string?> _input = Channel.CreateUnbounded<string?>();
    private readonly Lock _gate = new();
    private readonly List<string> _shown = [];

    public bool IsInteractive => interactive;

    /// <summary>A person's terminal redraws a bar (of a fixed width here); a script's takes lines.</summary>
    public int? ProgressWidth => interactive ? 79 : null;

    public IReadOnlyList<string> Shown
    {
        get
        {
            lock (_gate)
            {
                return [.. _shown];
            }
        }
    }

    public void Type(string line) => _input.Writer.TryWrite(line);

    public void EndInput() => _input.Writer.TryWrite(null);

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        await _input.Reader.ReadAsync(cancellationToken);

    public void DiscardPendingInput()
    {
        while (_input.Reader.TryRead(out _))
        {
        }
    }

    public string? TakeUnusedLine() => null;

    public void ShowIncoming(DateTimeOffset at, string name, string text) => Record($"in {name}: {text}");

    public void ShowOwn(DateTimeOffset at, string name, string text) => Record($"me {name}: {text}");

    public void ShowSystem(string line)
    {
        OnSystem?.Invoke(this, line);
        Record($"system {line}");
    }

    /// <summary>Called with each system line as it is shown: a test types there what a person types on seeing it.</summary>
    public Action<FakeTerminal, string>? OnSystem { get; init; }

    /// <summary>Called with each progress line as it is shown, before it is recorded: a test samples the other side there.</summary>
    public Action<string>? OnProgress { get; init; }

    public void ShowProgress(string? line)
    {
        if (line is not null)
        {
            OnProgress?.Invoke(line);
            Record($"progress {line}");
        }
    }

    public void ShowWarning(string line) => Record($"warning {line}");

    /// <summary>Waits until something matching <paramref name="predicate"/> has been shown.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            string? match = Shown.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Nothing matching was shown. Shown:\n{string.Join("\n", Shown)}");
    }

    private void Record(string line)
    {
        lock (_gate)
        {
            _shown.Add(line);
        }
    }
}
