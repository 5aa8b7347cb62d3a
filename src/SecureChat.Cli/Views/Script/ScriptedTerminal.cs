using System.Globalization;
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views.Script;

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
    private readonly System.Collections.Concurrent.BlockingCollection<TaskCompletionSource<string?>> _requests = [];
    private int _readerStarted;
    private volatile bool _ended;
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
        // Console.In's ReadLineAsync is a blocking ReadLine in disguise, so the reads run on a thread of their
        // own and the wait for one is what gets cancelled (the peer left while the script had nothing to say).
        // A read that was abandoned is picked up by the next call, so no line is lost between conversations.
        // One thread serves every read, one line per request: a thread per line cost more than the
        // encryption of the message (issue 6, the soak), and reading further ahead would take lines from
        // the script that no conversation may ever send.
        _pending ??= RequestLine();
        string? line = await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pending = null;
        return line;
    }

    /// <summary>One read at a time: the next is requested only once the last has been taken.</summary>
    private Task<string?> RequestLine()
    {
        if (_ended)
        {
            return Task.FromResult<string?>(null); // the input has ended, and its reader thread with it
        }

        if (Interlocked.Exchange(ref _readerStarted, 1) == 0)
        {
            new Thread(ServeReads) { IsBackground = true, Name = "SecureChat stdin" }.Start();
        }

        var request = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(request);
        return request.Task;
    }

    private void ServeReads()
    {
        foreach (TaskCompletionSource<string?> request in _requests.GetConsumingEnumerable())
        {
            try
            {
                string? line = _input.ReadLine();
                _ended = line is null; // before the result: the next request must see it
                request.SetResult(line);
                if (_ended)
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OutOfMemoryException)
            {
                request.SetException(e);
            }
        }
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
    /// <remarks>
    /// Reads on through the same reader thread, one line per request as ever, so the order is the script's.
    /// Nothing is read when no conversation ever asked for a line (the first connection failed): then the
    /// exit code already says that nothing was sent. At most <see cref="MaxUnreadLines"/> are taken.
    /// </remarks>
    public UnreadInput TakeUnreadInput(TimeSpan quiet)
    {
        if (Volatile.Read(ref _readerStarted) == 0)
        {
            return UnreadInput.None;
        }

        List<string> lines = [];
        while (lines.Count < MaxUnreadLines)
        {
            _pending ??= RequestLine();
            try
            {
                if (!_pending.Wait(quiet))
                {
                    return new UnreadInput(lines, ReachedEnd: false); // the read stays pending, as after a conversation
                }
            }
            catch (AggregateException)
            {
                _pending = null;
                return new UnreadInput(lines, ReachedEnd: false); // the input failed: what it still held is unknown
            }

            string? line = _pending.Result;
            _pending = null;
            if (line is null)
            {
                return new UnreadInput(lines, ReachedEnd: true);
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return new UnreadInput(lines, ReachedEnd: false);
    }

    /// <summary>The most unread lines listed when the app leaves: a script of more is cut short, and says so.</summary>
    internal const int MaxUnreadLines = 10_000;

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

    /// <inheritdoc />
    public void ShowProgress(string? line)
    {
        if (line is not null)
        {
            Write(_error, line);
        }
    }

    private void Write(TextWriter writer, string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
