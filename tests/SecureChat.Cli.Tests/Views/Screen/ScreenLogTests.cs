using System.Net;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Views.Screen;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class ScreenLogTests
{
    [Fact]
    public void Verbose_WithTheScreenUp_LogLinesGoIntoThePaneNotStderr()
    {
        using var harness = new ScreenHarness(columns: 80, rows: 16);
        using var stderr = new StringWriter();
        using (ILoggerFactory loggers = ChatCommand.CreateLoggers(LogLevel.Debug, harness.View, stderr))
        {
            Log.Listening(loggers.CreateLogger("SecureChat"), new IPEndPoint(IPAddress.Any, 5000));
        }

        harness.Draw();
        ChatLine logged = harness.Screen.Pane.Lines.Should().ContainSingle().Subject;
        logged.Kind.Should().Be(LineKind.Log);
        logged.Text.Should().EndWith(" info: Listening on 0.0.0.0:5000");
        harness.Rows().Should().Contain(row => row.StartsWith("~ ", StringComparison.Ordinal) && row.Contains("Listening on 0.0.0.0:5000", StringComparison.Ordinal));
        stderr.ToString().Should().BeEmpty("nothing is written over the screen");
    }

    [Fact]
    public void Verbose_BelowTheLevel_NothingShows()
    {
        using var harness = new ScreenHarness(columns: 80, rows: 16);
        using var stderr = new StringWriter();
        using (ILoggerFactory loggers = ChatCommand.CreateLoggers(LogLevel.Warning, harness.View, stderr))
        {
            Log.Listening(loggers.CreateLogger("SecureChat"), new IPEndPoint(IPAddress.Any, 5000));
        }

        harness.Screen.Pane.Lines.Should().BeEmpty();
    }

    [Fact]
    public void LogLine_AfterTheScreenClosed_GoesToStderr()
    {
        using var harness = new ScreenHarness(columns: 80, rows: 16);
        using var stderr = new StringWriter();
        using var log = new ScreenLog(harness.View, stderr);
        harness.View.Dispose();

        Log.Ended(log.CreateLogger("SecureChat"), "peer left");

        stderr.ToString().Should().Contain("info: Session ended: peer left");
        harness.Afterwards.ToString().Should().NotContain("Session ended", "the conversation's output stays free of logs");
    }

    [Fact]
    public void Format_WithAnException_AddsItsTypeAndMessage() =>
        ScreenLog.Format(DateTimeOffset.Now, LogLevel.Debug, "Session failure detail", new IOException("reset"))
            .Should().EndWith(" dbug: Session failure detail (IOException: reset)");
}
