// An app on its full screen, as a person meets it: a shell in a tmux pane of a fixed size (each session on
// a tmux server of its own, so tests never share one), the app started from that shell by typing its
// command, keys sent with `tmux send-keys`, and what the pane shows read back with `tmux capture-pane`.
// The shell's prompt says the last exit code (`[exit 0]$`), so a test sees the app leave, its exit code,
// and whether the prompt came back on a line of its own. tmux has no event for "drawn": waits poll the
// pane, bounded, and a timeout shows the last pane. .ci/run installs tmux where it is missing.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>An app running in a tmux pane.</summary>
public sealed partial class ScreenSession : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    // The server's socket: a file of our own, deleted with the server (tmux leaves it behind otherwise).
    private readonly string _socket = Path.Combine(Path.GetTempPath(), "securechat-tmux-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _label;

    private ScreenSession(string label) => _label = label;

    /// <summary>What the pane showed when last captured, for failure messages and the test output.</summary>
    public string LastPane { get; private set; } = string.Empty;

    /// <summary>
    /// Opens a <paramref name="columns"/>×<paramref name="rows"/> pane, waits for its shell, and types the
    /// command that starts <paramref name="app"/> with <paramref name="args"/> (NO_COLOR and SECURECHAT_HOME
    /// unset, so the app chooses its full screen and uses only the homes it is given).
    /// </summary>
    public static async Task<ScreenSession> StartAsync(ChatApp app, IEnumerable<string> args, int columns = 100, int rows = 30, string? label = null)
    {
        var session = new ScreenSession(label ?? app.ToString());
        try
        {
            // A shell without startup files, whose prompt says the exit code of what ran before it.
            session.Tmux(
                "-f", "/dev/null", "new-session", "-d", "-s", "chat", "-x", Number(columns), "-y", Number(rows), "-c", Path.GetTempPath(),
                "env PS1='[exit $?]$ ' bash --norc --noprofile");
            await session.WaitForAsync(pane => PromptAlone().IsMatch(pane), "the shell's prompt");
            ProcessStartInfo start = ChatApps.StartInfo(app);
            string command = string.Join(' ', new[] { "env", "-u", "NO_COLOR", "-u", "SECURECHAT_HOME", start.FileName }.Concat(start.ArgumentList).Concat(args).Select(Quote));
            session.Type(command);
            session.Press("Enter");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The pane now, as text: one line per row, wide characters once, trailing spaces kept as tmux gives them.</summary>
    public string Capture() => LastPane = Tmux("capture-pane", "-p", "-t", "chat");

    /// <summary>Types <paramref name="text"/> literally, as a paste of keys would (no key names).</summary>
    public void Type(string text) => Tmux("send-keys", "-t", "chat", "-l", text);

    /// <summary>Presses keys by tmux's names: <c>Enter</c>, <c>C-c</c>, <c>Up</c>, <c>y</c>.</summary>
    public void Press(params string[] keys) => Tmux(["send-keys", "-t", "chat", .. keys]);

    /// <summary>Waits until the pane <paramref name="shows"/> (60 s at most) and returns that pane.</summary>
    /// <exception cref="TimeoutException">It never did; the message holds the last pane.</exception>
    public async Task<string> WaitForAsync(Func<string, bool> shows, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string pane = Capture();
            if (shows(pane))
            {
                return pane;
            }

            if (clock.Elapsed > Patience)
            {
                throw new TimeoutException($"{_label}'s pane never showed {what} within {Patience.TotalSeconds} s. Last pane:\n{pane}");
            }

            await Task.Delay(PollEvery);
        }
    }

    /// <summary>Waits until the pane contains <paramref name="text"/>.</summary>
    public Task<string> WaitForTextAsync(string text) =>
        WaitForAsync(pane => pane.Contains(text, StringComparison.Ordinal), $"\"{text}\"");

    /// <summary>
    /// Waits until the app has left and the shell's prompt stands alone on the last line written (not glued
    /// to something the app left unfinished), and returns the exit code the prompt reports.
    /// </summary>
    public async Task<int> WaitForExitAsync()
    {
        string pane = await WaitForAsync(pane => LastRow(pane) is { } last && PromptAlone().IsMatch(last), "the app ending and the shell's prompt on a line of its own");
        return int.Parse(PromptAlone().Match(LastRow(pane)!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Ends the pane's tmux server, and with it the app if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server had already ended with its one pane.
        }

        try
        {
            File.Delete(_socket);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover socket file in the temporary folder is not worth failing a test for.
        }
    }

    /// <summary>The pane's rows with their trailing spaces trimmed (tmux pads a drawn row to the width).</summary>
    public static string[] Rows(string pane)
    {
        ArgumentNullException.ThrowIfNull(pane);
        return [.. pane.Split('\n').Select(row => row.TrimEnd())];
    }

    /// <summary>The last row with anything on it.</summary>
    public static string? LastRow(string pane) => Rows(pane).LastOrDefault(row => row.Length > 0);

    /// <summary>The shell's prompt and nothing else on the row: <c>[exit 0]$</c>.</summary>
    [GeneratedRegex(@"^\[exit (\d+)\]\$$", RegexOptions.Multiline)]
    private static partial Regex PromptAlone();

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private string Tmux(params string[] args)
    {
        // -u: the pane speaks UTF-8 whatever the test's locale, so emoji and CJK are captured as they are drawn.
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-u", "-S", _socket }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using Process tmux = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start; .ci/run installs it.");
        Task<string> error = tmux.StandardError.ReadToEndAsync();
        string text = tmux.StandardOutput.ReadToEnd();
        tmux.WaitForExit();
        return tmux.ExitCode == 0 ? text : throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error.Result}");
    }
}
