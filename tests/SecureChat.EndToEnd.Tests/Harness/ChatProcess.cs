// One running app: stdin to write lines to, stdout and stderr collected line by line, and bounded waits
// for a line, for the end of output, and for the exit. Disposing kills the process if it is still running.
using System.Diagnostics;
using System.Text;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>A User1 or User2 process with redirected standard streams.</summary>
public sealed class ChatProcess : IDisposable
{
    /// <summary>
    /// The longest any single wait in these tests may take: a bound on a hang, not a measure of speed. At load
    /// 50 on two cores a process has been seen to take 20 s to print its first line, so the bound is far above
    /// that; a passing wait ends at its event, whatever the bound.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long a kill waits for the process to be gone before the test goes on.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<string> _transcript = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _inputClosed;

    private ChatProcess(string label, Process process)
    {
        Label = label;
        _process = process;
    }

    /// <summary>A short name for messages: User1, User2, User2b.</summary>
    public string Label { get; }

    /// <summary>The command line, for messages.</summary>
    public string CommandLine { get; private set; } = string.Empty;

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The resident set size in bytes (Linux, from /proc), or null where that cannot be read.</summary>
    public long? ResidentBytes
    {
        get
        {
            try
            {
                string? line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                return null; // not Linux, or the process is gone
            }
        }
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Every stdout line so far.</summary>
    public IReadOnlyList<string> Stdout
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Every stderr line so far.</summary>
    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>All of stdout so far, one line each.</summary>
    public string StdoutText => string.Join('\n', Stdout);

    /// <summary>All of stderr so far, one line each.</summary>
    public string StderrText => string.Join('\n', Stderr);

    /// <summary>Both streams in the order the lines arrived, each marked and timed, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_gate)
            {
                return $"--- {Label}: {CommandLine}\n" + string.Join('\n', _transcript);
            }
        }
    }

    /// <summary>Starts <c>dotnet UserN.dll args</c> (or the published app, <see cref="ChatApps.StartInfo"/>) with redirected streams and <paramref name="environment"/> added.</summary>
    public static ChatProcess Start(string label, ChatApp app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo info = ChatApps.StartInfo(app);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.StandardInputEncoding = Utf8NoBom;
        info.StandardOutputEncoding = Utf8NoBom;
        info.StandardErrorEncoding = Utf8NoBom;
        info.WorkingDirectory = Path.GetTempPath();
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Nothing from the test runner's environment may move the apps' state or change their output.
        info.Environment.Remove("SECURECHAT_HOME");
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var chat = new ChatProcess(label, process) { CommandLine = $"{app} {string.Join(' ', args)}" };
        process.OutputDataReceived += (_, e) => chat.Collect(e.Data, chat._stdout, "out");
        process.ErrorDataReceived += (_, e) => chat.Collect(e.Data, chat._stderr, "err");
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return chat;
    }

    /// <summary>Writes one line to the app's stdin.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Writes many lines to stdin as fast as the app reads them, flushing every <paramref name="batch"/>
    /// lines; stops quietly when the app has gone (its stdin is closed) or <paramref name="cancellationToken"/> is cancelled.
    /// Returns how many lines were handed to the pipe.
    /// </summary>
    public async Task<int> WriteLinesAsync(IEnumerable<string> lines, int batch = 256, CancellationToken cancellationToken = default)
    {
        int written = 0;
        try
        {
            foreach (string line in lines)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                await _process.StandardInput.WriteAsync(line + "\n");
                if (++written % batch == 0)
                {
                    await _process.StandardInput.FlushAsync(cancellationToken);
                }
            }

            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The app died or the writer was told to stop: what was written so far is what it may have read.
        }

        return written;
    }

    /// <summary>Sends a Unix signal (STOP freezes the process as a hung machine would, CONT thaws it).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Closes stdin: the end of the script. Harmless if the process has already gone.</summary>
    public void CloseInput()
    {
        if (_inputClosed)
        {
            return;
        }

        _inputClosed = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited first and the pipe is broken: its input has ended anyway.
        }
    }

    /// <summary>Waits for a stdout line matching <paramref name="match"/> and returns it.</summary>
    public Task<string> WaitForStdoutAsync(Func<string, bool> match, string what, TimeSpan? timeout = null) =>
        WaitForLineAsync(_stdout, "stdout", match, what, timeout);

    /// <summary>Waits for a stderr line matching <paramref name="match"/> and returns it.</summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> match, string what, TimeSpan? timeout = null) =>
        WaitForLineAsync(_stderr, "stderr", match, what, timeout);

    /// <summary>Waits for a stderr line containing <paramref name="text"/> and returns it.</summary>
    public Task<string> WaitForStderrAsync(string text, TimeSpan? timeout = null) =>
        WaitForStderrAsync(line => line.Contains(text, StringComparison.Ordinal), $"a stderr line containing \"{text}\"", timeout);

    /// <summary>Waits until stdout holds at least <paramref name="count"/> lines and returns them all.</summary>
    public async Task<IReadOnlyList<string>> WaitForStdoutLinesAsync(int count, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => Stdout.Count >= count, $"{count} stdout line(s)", timeout);
        return Stdout;
    }

    /// <summary>Waits for the process to exit (and its output to be read to the end) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Label} did not exit within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    /// <summary>Asserts that the process is still running a little while from now.</summary>
    public async Task ShouldStillRunAsync(TimeSpan grace)
    {
        await Task.Delay(grace);
        HasExited.Should().BeFalse($"{Label} should keep running.\n{Transcript}");
    }

    /// <summary>Kills the process (and its children) if it is still running.</summary>
    public void Kill() => _process.KillTree(KillWait);

    /// <summary>Kills the process if needed and releases it.</summary>
    public void Dispose() => _process.KillTreeAndDispose(KillWait);

    private void Collect(string? line, List<string> lines, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            lines.Add(line);
            _transcript.Add($"[{_clock.Elapsed.TotalSeconds,6:0.000} {stream}] {line}");
        }
    }

    private async Task<string> WaitForLineAsync(List<string> lines, string stream, Func<string, bool> match, string what, TimeSpan? timeout)
    {
        string? found = null;
        await WaitUntilAsync(
            () =>
            {
                lock (_gate)
                {
                    found = lines.FirstOrDefault(match);
                }

                return found is not null;
            },
            $"{what} on {stream}",
            timeout);
        return found!;
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                // Let the last lines of output arrive before giving up.
                await _process.WaitForExitAsync();
                if (condition())
                {
                    return;
                }

                throw new InvalidOperationException($"{Label} exited with {_process.ExitCode} before {what}.\n{Transcript}");
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{Label} showed no {what} within {limit.TotalSeconds:0.#} s.\n{Transcript}");
            }

            await Task.Delay(25);
        }
    }
}
