using System.Collections.Concurrent;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>
/// A script's stdin that the test types into while the app runs: <see cref="ReadLine"/> waits for the next
/// line, and every line the app actually took is remembered, so a test can tell "sent" from "never read".
/// </summary>
internal sealed class TypedInput : TextReader
{
    private readonly BlockingCollection<string?> _lines = [];
    private readonly List<(string Line, long At)> _consumed = [];
    private readonly Lock _gate = new();
    private bool _closed;

    /// <summary>The lines the app has read, in order.</summary>
    public IReadOnlyList<string> Consumed => ConsumedBefore(long.MaxValue);

    /// <summary>The lines the app read before <paramref name="stamp"/> (see <see cref="Stamp"/>).</summary>
    public IReadOnlyList<string> ConsumedBefore(long stamp)
    {
        lock (_gate)
        {
            return [.. _consumed.Where(c => c.At < stamp).Select(c => c.Line)];
        }
    }

    /// <summary>Types one line.</summary>
    public void Type(string line) => _lines.Add(line);

    /// <summary>Ends the input, as closing a pipe does.</summary>
    public void End() => _lines.Add(null);

    /// <summary>The app has returned: a read still pending (on the app's reader thread) takes nothing any more.</summary>
    public void AppReturned()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _lines.Add(null);
    }

    public override string? ReadLine()
    {
        string? line = _lines.Take();
        lock (_gate)
        {
            if (_closed)
            {
                _lines.Add(null); // every later read ends too
                return null;
            }

            if (line is null)
            {
                _lines.Add(null);
            }
            else
            {
                _consumed.Add((line, Stamp.Next()));
            }

            return line;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AppReturned(); // not disposed: an abandoned read may still be waiting on it, and must see the end
        }

        base.Dispose(disposing);
    }
}

/// <summary>One count shared by the test's inputs and outputs, to tell which came first across threads.</summary>
internal static class Stamp
{
    private static long _count;

    public static long Next() => Interlocked.Increment(ref _count);
}
