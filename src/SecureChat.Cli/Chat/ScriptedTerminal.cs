using System.Globalization;

namespace SecureChat.Cli.Chat;

/// <summary>
/// The terminal for scripts and pipes: each input line is one message; each received message is one
/// output line <c>HH:mm:ss name: text</c>; everything else goes to the error stream.
/// </summary>
public sealed class ScriptedTerminal : IChatTerminal
{
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly Lock _gate = new();
    private Task<string?>? _pending;

    /// <summary>Reads <paramref name="input"/>; writes messages to <paramref name="output"/> and the rest to <paramref name="error"/>.</summary>
    public ScriptedTerminal(TextReader input, TextWriter output, TextWriter error)
    {
        _input = input;
        _output = output;
        _error = error;
    }

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <inheritdoc />
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        // Console.In's ReadLineAsync is a blocking ReadLine in disguise, so the read runs on its own thread
        // and the wait for it is what gets cancelled (the peer left while the script had nothing to say).
        // A read that was abandoned is picked up by the next call, so no line is lost between conversations.
        _pending ??= Task.Factory.StartNew(_input.ReadLine, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        string? line = await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pending = null;
        return line;
    }

    /// <inheritdoc />
    /// <remarks>A script's lines are its messages, written in advance on purpose: nothing to discard.</remarks>
    public void DiscardPendingInput()
    {
    }

    /// <inheritdoc />
    public string? TakeUnusedLine()
    {
        if (_pending is { IsCompletedSuccessfully: true, Result: { } line })
        {
            _pending = null;
            return line;
        }

        return null;
    }

    /// <inheritdoc />
    public void ShowIncoming(DateTimeOffset at, string name, string text) =>
        Write(_output, $"{at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {SafeText.ForTerminal(name)}: {SafeText.ForTerminal(text)}");

    /// <inheritdoc />
    public void ShowOwn(DateTimeOffset at, string name, string text)
    {
    }

    /// <inheritdoc />
    public void ShowSystem(string line) => Write(_error, line);

    /// <inheritdoc />
    public void ShowWarning(string line) => Write(_error, "warning: " + line);

    private void Write(TextWriter writer, string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
