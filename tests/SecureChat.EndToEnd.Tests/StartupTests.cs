using System.Diagnostics;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed class StartupTests(ITestOutputHelper output) : EndToEndTest(output)
{
    [Fact]
    public async Task Connector_NobodyListening_Exits69QuicklySayingNobodyIsListening()
    {
        int port = ChatSandbox.FreePort();
        var clock = Stopwatch.StartNew();

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"));
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(69, user2.Transcript);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "with no --retry there is one attempt");
        user2.Stderr.Should().Contain(line => line.Contains($"Nobody is listening on 127.0.0.1:{port}", StringComparison.Ordinal), user2.Transcript);
        user2.Stdout.Should().BeEmpty();
    }

    [Theory]
    [InlineData(ChatApp.User2, "--bogus", "--bogus")]
    [InlineData(ChatApp.User1, "--port 70000", "--port must be 1 to 65535")]
    [InlineData(ChatApp.User2, "--trust sometimes", "sometimes")]
    public async Task CommandLine_BadUsage_Exits2WithAMessageOnStderr(ChatApp app, string args, string expected)
    {
        ChatProcess process = await Sandbox.RunAsync(app, [.. args.Split(' '), "--home", Sandbox.NewHome("home")]);

        (await process.WaitForExitAsync()).Should().Be(2, process.Transcript);
        process.StderrText.Should().Contain(expected).And.Contain($"Try '{app} --help'.");
        process.Stdout.Should().BeEmpty();
        Directory.Exists(Sandbox.NewHome("home")).Should().BeFalse("bad usage changes nothing");
    }
}
