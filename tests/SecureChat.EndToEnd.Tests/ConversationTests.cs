using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed class ConversationTests(ITestOutputHelper output) : EndToEndTest(output)
{
    [Fact]
    public async Task Conversation_EachSideSendsTwoLines_EachPrintsOnlyThePeersLinesInOrderAndBothExit0()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("alice"), ["--once", "--name", "Alice", "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("bob"), ["--name", "Bob", "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);

        await user1.WriteLineAsync("Hello Bob, this is Alice.");
        await user2.WriteLineAsync("Hi Alice!");
        await user1.WriteLineAsync("Second line from Alice: ünïcødé ✓");
        await user2.WriteLineAsync("Second line from Bob");
        IReadOnlyList<string> atUser2 = await user2.WaitForStdoutLinesAsync(2);
        IReadOnlyList<string> atUser1 = await user1.WaitForStdoutLinesAsync(2);
        user1.CloseInput();
        user2.CloseInput();
        int user1Exit = await user1.WaitForExitAsync();
        int user2Exit = await user2.WaitForExitAsync();

        user1Exit.Should().Be(0, user1.Transcript);
        user2Exit.Should().Be(0, user2.Transcript);
        user1.Stdout.Should().HaveCount(2, "stdout carries the peer's messages and nothing else\n" + user1.Transcript);
        user2.Stdout.Should().HaveCount(2, "stdout carries the peer's messages and nothing else\n" + user2.Transcript);
        IsMessage(atUser1[0], "Bob", "Hi Alice!").Should().BeTrue(atUser1[0]);
        IsMessage(atUser1[1], "Bob", "Second line from Bob").Should().BeTrue(atUser1[1]);
        IsMessage(atUser2[0], "Alice", "Hello Bob, this is Alice.").Should().BeTrue(atUser2[0]);
        IsMessage(atUser2[1], "Alice", "Second line from Alice: ünïcødé ✓").Should().BeTrue(atUser2[1]);
        user1.StderrText.Should().Contain("Connected to Bob").And.NotContain("Hi Alice!", "own and received messages stay off stderr");
        user2.StderrText.Should().Contain("Connected to Alice").And.NotContain("Hello Bob", "own and received messages stay off stderr");
    }

    [Fact]
    public async Task Listener_GarbageAndSilentConnectionsFirst_WarnsAndStillChatsWithARealPeer()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--wait", ReceiptWait]);

        // An HTTP client: User1 must answer (or not) and close, never wait forever.
        using (var http = new TcpClient())
        {
            await http.ConnectAsync(IPAddress.Loopback, port);
            NetworkStream stream = http.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var reply = new MemoryStream();
            await stream.CopyToAsync(reply, timeout.Token);
            Encoding.ASCII.GetString(reply.ToArray()).Should().NotContain("HTTP/", "User1 is no web server");
        }

        await user1.WaitForStderrAsync("failed the handshake and was dropped");

        // A caller that says nothing and hangs up.
        using (var silent = new TcpClient())
        {
            await silent.ConnectAsync(IPAddress.Loopback, port);
        }

        await user1.WaitForStderrAsync(
            line => line.Contains("failed the handshake and was dropped", StringComparison.Ordinal) && line.Contains("lost", StringComparison.Ordinal),
            "a warning about the silent caller");
        user1.HasExited.Should().BeFalse(user1.Transcript);

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--wait", ReceiptWait]);
        await ChatAndEndAsync(user1, user2);
        user1.Stderr.Count(line => line.Contains("failed the handshake and was dropped", StringComparison.Ordinal)).Should().Be(2, user1.Transcript);
    }

    [Fact]
    public async Task SecondCaller_WhileAConversationRuns_IsToldUser1IsBusyAndExits69AndTheConversationGoesOn()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);
        await user2.WriteLineAsync("first, before the intruder");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "first, before the intruder"), "the first message");

        ChatProcess second = Sandbox.StartConnector(port, Sandbox.NewHome("user2b"), ["--name", "Carol", "--wait", ReceiptWait], label: "User2b");
        int secondExit = await second.WaitForExitAsync();

        secondExit.Should().Be(69, second.Transcript);
        second.Stderr.Should().Contain(line => line.Contains("User1 at", StringComparison.Ordinal) && line.Contains("is busy", StringComparison.Ordinal), second.Transcript);
        second.Stdout.Should().BeEmpty();
        user1.HasExited.Should().BeFalse(user1.Transcript);
        user2.HasExited.Should().BeFalse(user2.Transcript);

        await user2.WriteLineAsync("still here?");
        await user1.WriteLineAsync("yes, still here");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "still here?"), "the message after the refusal");
        await user2.WaitForStdoutAsync(line => IsMessage(line, "User1", "yes, still here"), "the reply after the refusal");
        user1.CloseInput();
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user1.StdoutText.Should().NotContain("Carol");
    }
}
