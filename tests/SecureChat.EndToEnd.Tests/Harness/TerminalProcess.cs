// An app in a pseudo-terminal, typed at as a person types: for what only a terminal shows (the line view's
// prompt, Ctrl+C, the end of the last line) and for the choice of view, which follows stdin being a terminal.
// util-linux script(1) gives the app the terminal; the test writes keys to it and reads what it draws. What
// it draws is replayed on a small screen model (carriage return, clear line, cursor up), so that a test
// reads the lines a person would see, not the escape codes.
using System.Diagnostics;
using System.Text;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>An app running in a pseudo-terminal.</summary>
public sealed class TerminalProcess : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _raw = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TerminalProcess(Process process) => _process = process;

    /// <summary>Whether script(1) is here to give an app a terminal.</summary>
    public static bool Available => File.Exists("/usr/bin/script") || File.Exists("/bin/script");

    /// <summary>Everything the app wrote, escape codes included.</summary>
    public string Raw
    {
        get
        {
            lock (_gate)
            {
                return _raw.ToString();
            }
        }
    }

    /// <summary>The lines as a terminal shows them.</summary>
    public IReadOnlyList<string> Screen => Render(Raw);

    /// <summary>For failure messages: the screen as shown.</summary>
    public string Transcript => "--- terminal:\n" + string.Join('\n', Screen);

    /// <summary>
    /// Starts <c>dotnet UserN.dll args</c> in a terminal of its own; <paramref name="pipeOutputTo"/> pipes its
    /// output through <c>tee</c> into that file, as <c>| tee log</c> at a terminal does.
    /// </summary>
    public static TerminalProcess Start(ChatApp app, IEnumerable<string> args, string? pipeOutputTo = null)
    {
        if (!Available)
        {
            throw new InvalidOperationException("script(1) is needed to give the app a terminal: install util-linux.");
        }

        string command = string.Join(' ', new[] { ChatApps.DotnetHost, ChatApps.DllPath(app) }.Concat(args).Select(Quote));
        if (pipeOutputTo is not null)
        {
            command += " | tee " + Quote(pipeOutputTo);
        }

        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in new[] { "-qfec", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("SECURECHAT_HOME");
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "xterm";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var terminal = new TerminalProcess(Process.Start(info)!);
        _ = Task.Run(terminal.PumpAsync);
        _ = Task.Run(() => terminal._process.StandardError.ReadToEndAsync());
        return terminal;
    }

    /// <summary>Types <paramref name="keys"/> (<c>\r</c> is Enter, <c>\u0003</c> Ctrl+C).</summary>
    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until a line on the screen matches <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (Screen.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The terminal never showed {what}.\n{Transcript}");
            }
        }
    }

    /// <summary>Waits until a line on the screen contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), $"\"{text}\"", timeout);

    /// <summary>Waits for the app to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The app in the terminal did not exit.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills what still runs.</summary>
    public void Dispose() => _process.KillTreeAndDispose();

    /// <summary>The lines a terminal shows for <paramref name="raw"/>: CR, LF, backspace, clear line and cursor up are played; other escapes dropped.</summary>
    internal static IReadOnlyList<string> Render(string raw)
    {
        var lines = new List<StringBuilder> { new() };
        int row = 0;
        int column = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '\u001b')
            {
                int end = i + 1;
                if (end < raw.Length && raw[end] == '[')
                {
                    end++;
                    while (end < raw.Length && !char.IsAsciiLetter(raw[end]) && raw[end] != '~')
                    {
                        end++;
                    }
                }

                string sequence = raw[(i + 1)..Math.Min(end + 1, raw.Length)];
                if (sequence == "[2K")
                {
                    lines[row].Clear();
                }
                else if (sequence.EndsWith('A'))
                {
                    row = Math.Max(0, row - (int.TryParse(sequence[1..^1], out int n) ? n : 1));
                }

                i = end;
                continue;
            }

            switch (c)
            {
                case '\r':
                    column = 0;
                    break;
                case '\n':
                    row++;
                    column = 0;
                    while (lines.Count <= row)
                    {
                        lines.Add(new StringBuilder());
                    }

                    break;
                case '\b':
                    column = Math.Max(0, column - 1);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        break;
                    }

                    StringBuilder line = lines[row];
                    while (line.Length < column)
                    {
                        line.Append(' ');
                    }

                    if (column < line.Length)
                    {
                        line[column] = c;
                    }
                    else
                    {
                        line.Append(c);
                    }

                    column++;
                    break;
            }
        }

        return [.. lines.Select(l => l.ToString())];
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task PumpAsync()
    {
        var buffer = new char[4096];
        while (true)
        {
            int read = await _process.StandardOutput.ReadAsync(buffer);
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (read > 0)
                {
                    _raw.Append(buffer, 0, read);
                }

                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            if (read == 0)
            {
                return;
            }
        }
    }
}
