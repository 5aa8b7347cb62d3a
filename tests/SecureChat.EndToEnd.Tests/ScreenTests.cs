// The full screen (issue 17) as a person meets it: the real User1 in a pseudo-terminal made by tmux (which
// .ci/run installs when missing), read back with `tmux capture-pane`, and the real User2 as a script.
using System.Diagnostics;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed class ScreenTests(ITestOutputHelper output) : EndToEndTest(output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Screen_LongLinePendingWhileThreeMessagesArrive_ArrivesIntactAndLeavesNoStaleRows()
    {
        string server = "securechat-e2e-" + Guid.NewGuid().ToString("N")[..8];
        int port = ChatSandbox.FreePort();
        string longLine = "LONG:" + string.Concat(Enumerable.Range(0, 35).Select(i => $"w{i:00}x ")).TrimEnd() + " END";
        longLine.Length.Should().BeGreaterThanOrEqualTo(180);
        try
        {
            // NO_COLOR would give the line view instead; TERM comes from tmux.
            string user1 = $"env -u NO_COLOR dotnet {ChatApps.DllPath(ChatApp.User1)} --port {port} --home {Sandbox.NewHome("alice")} --name Alice --once --trust accept-new";
            Tmux(server, "new-session", "-d", "-s", "u1", "-x", "100", "-y", "30", user1);
            await PaneShowsAsync(server, pane => pane.Contains("Listening on", StringComparison.Ordinal), "the screen saying it listens");
            ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("bob"), ["--name", "Bob", "--wait", ReceiptWait]);
            await user2.WaitForStderrAsync("Connected to");
            await PaneShowsAsync(server, pane => pane.Contains("│ connected", StringComparison.Ordinal), "the status line saying connected");

            Tmux(server, "send-keys", "-t", "u1", "-l", longLine[..100]);
            await PaneShowsAsync(server, pane => pane.Contains(longLine[60..99], StringComparison.Ordinal), "the first part typed (the field scrolls, so its tail)");
            foreach (string text in new[] { "first from Bob", "second from Bob", "third from Bob" })
            {
                await user2.WriteLineAsync(text);
            }

            await PaneShowsAsync(server, pane => pane.Contains("third from Bob", StringComparison.Ordinal), "the three messages");
            Tmux(server, "send-keys", "-t", "u1", "-l", longLine[100..]);
            Tmux(server, "send-keys", "-t", "u1", "Enter");
            await user2.WaitForStdoutAsync(line => IsMessage(line, "Alice", longLine), "the long line, whole");
            string pane = await PaneShowsAsync(server, pane => pane.Contains("✓ Alice: LONG:", StringComparison.Ordinal), "the long line delivered");

            string[] rows = pane.Split('\n');
            rows.Count(r => r.Contains("LONG:", StringComparison.Ordinal)).Should().Be(1, "the line appears once, as the message sent, and nowhere as a stale copy\n" + pane);
            rows.Where(r => r.Contains("w20x", StringComparison.Ordinal)).Should().ContainSingle("no stale row of the pending line\n" + pane);
            rows.Last(r => r.Length > 0).TrimEnd().Should().Be("Alice>", "the input line is empty after sending\n" + pane);
            foreach (string text in new[] { "first from Bob", "second from Bob", "third from Bob" })
            {
                rows.Count(r => r.Contains(text, StringComparison.Ordinal)).Should().Be(1, pane);
            }
        }
        finally
        {
            TryTmux(server, "kill-server");
        }
    }

    private static async Task<string> PaneShowsAsync(string server, Func<string, bool> shows, string what)
    {
        var clock = Stopwatch.StartNew();
        string pane = string.Empty;
        while (clock.Elapsed < Patience)
        {
            pane = Tmux(server, "capture-pane", "-p", "-t", "u1");
            if (shows(pane))
            {
                return pane;
            }

            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100)); // polling the pane: tmux has no event for "drawn"
            await tick.WaitForNextTickAsync();
        }

        throw new TimeoutException($"The screen never showed {what} within {Patience.TotalSeconds} s. Last pane:\n{pane}");
    }

    private static string Tmux(string server, params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(server);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process tmux = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start; .ci/run installs it.");
        string text = tmux.StandardOutput.ReadToEnd();
        string error = tmux.StandardError.ReadToEnd();
        tmux.WaitForExit();
        return tmux.ExitCode == 0 ? text : throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
    }

    private static void TryTmux(string server, params string[] args)
    {
        try
        {
            Tmux(server, args);
        }
        catch (InvalidOperationException)
        {
            // the server had already ended with its one window
        }
    }
}
