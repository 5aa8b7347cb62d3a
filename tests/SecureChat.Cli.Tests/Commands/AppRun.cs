namespace SecureChat.Cli.Tests.Commands;

/// <summary>Runs an app in memory, as a script would (input and output redirected).</summary>
internal sealed record AppRun(int ExitCode, string Output, string Error)
{
    public static async Task<AppRun> RunWithInputAsync(ChatRole role, string input, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var stdin = new StringReader(input);
        return await RunWithInputAsync(role, stdin, new StringWriter(), environment, args);
    }

    /// <summary>Runs with <paramref name="stdin"/> as input, writing stdout into <paramref name="stdout"/> as it goes.</summary>
    public static async Task<AppRun> RunWithInputAsync(ChatRole role, TextReader stdin, StringWriter stdout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var stderr = new StringWriter();
        return await RunWithInputAsync(role, stdin, stdout, stderr, environment, args);
    }

    /// <summary>Runs with <paramref name="stdin"/> as input, writing stdout and stderr as it goes (a <see cref="LiveText"/> can be watched meanwhile).</summary>
    public static async Task<AppRun> RunWithInputAsync(ChatRole role, TextReader stdin, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var console = new ChatConsole(stdin, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), IsInteractive: false, name => environment?.GetValueOrDefault(name));
        int exitCode = await ChatApplication.RunAsync(role, args, console).WaitAsync(TimeSpan.FromSeconds(60));
        return new AppRun(exitCode, stdout.ToString() ?? string.Empty, stderr.ToString() ?? string.Empty);
    }

    public static Task<AppRun> RunAsync(ChatRole role, params string[] args) => RunWithInputAsync(role, string.Empty, null, args);
}

/// <summary>Text written by an app while it runs, safe to read from another thread at any time.</summary>
internal sealed class LiveText : TextWriter
{
    private readonly System.Text.StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public IReadOnlyList<string> Lines => ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>When (on <see cref="Infrastructure.Stamp"/>'s count) the first "warning:" line was written, or long.MaxValue.</summary>
    public long FirstWarningAt { get; private set; } = long.MaxValue;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            if (FirstWarningAt == long.MaxValue && value?.StartsWith("warning:", StringComparison.Ordinal) == true)
            {
                FirstWarningAt = Infrastructure.Stamp.Next();
            }

            _text.Append(value);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the text contains <paramref name="fragment"/>.</summary>
    public async Task WaitForAsync(string fragment, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!ToString().Contains(fragment, StringComparison.Ordinal))
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"\"{fragment}\" was not written. So far:\n{this}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Input that gives its lines, then waits (like an open pipe) until <see cref="End"/>.</summary>
internal sealed class GatedInput(params string[] lines) : TextReader
{
    private readonly Queue<string> _lines = new(lines);
    private readonly ManualResetEventSlim _ended = new();

    public void End() => _ended.Set();

    public override string? ReadLine()
    {
        lock (_lines)
        {
            if (_lines.TryDequeue(out string? line))
            {
                return line;
            }
        }

        _ended.Wait();
        return null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ended.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Loopback ports for tests.</summary>
internal static class TestPorts
{
    /// <summary>A port nothing listens on right now (the system picked it for a moment).</summary>
    public static int Free()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>A temporary home folder, deleted afterwards.</summary>
internal sealed class TempHome : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "securechat-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
