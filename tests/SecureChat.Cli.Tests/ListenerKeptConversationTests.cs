using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views.Script;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests;

/// <summary>
/// Regression, issue 13 item 9, against User1's real listener: an on-path attacker drops User1's receipt
/// for Bob's line and cuts the connection, holds Bob's reconnect while a stranger opens and closes a
/// conversation, then lets it through. User1 used to forget Bob's conversation when the stranger's began,
/// and showed Bob's resent line a second time.
/// </summary>
public sealed class ListenerKeptConversationTests
{
    [Fact]
    public async Task Listener_StrangerComesAndGoesWhileBobsReconnectIsHeld_BobsLineIsShownOnce()
    {
        using var home = new TempHome();
        int port = TestPorts.Free();
        using var input = new TypedInput();
        var output = new LiveText();
        var error = new LiveText();
        await using RunningListener user1 = await RunningListener.StartAsync(ListenerSettings.For(home.Path, port), new ScriptedTerminal(input, output, error));

        using IdentityKey bobKey = IdentityKey.Generate();
        using IdentityKey strangerKey = IdentityKey.Generate();
        var bobConversation = new Conversation();

        // Frames toward Bob: hello, finish, User1's resume, then its receipt for Bob's line, which is dropped.
        await using (FaultProxy proxy = FaultProxy.Start(port, new Fault(FaultKind.Drop, Toward.Connector, 4)))
        {
            SecureSession bob = await ConnectAsync(proxy.Port, bobKey, "bob", bobConversation);
            await using (bob)
            {
                await bob.WaitForConversationAsync();
                await bob.SendAsync("the line from bob");
                await output.WaitForAsync("the line from bob");
                await WaitUntilAsync(() => proxy.Injected, "User1's receipt reached the proxy and was dropped");
            }
        }

        await error.WaitForAsync("reconnects, the conversation resumes");
        bobConversation.Unconfirmed.Should().ContainSingle("Bob never heard the receipt");

        // The stranger opens and closes a conversation of its own.
        SecureSession stranger = await ConnectAsync(port, strangerKey, "stranger", new Conversation());
        await using (stranger)
        {
            await stranger.WaitForConversationAsync();
            await stranger.SendAsync("hello from a stranger");
            await output.WaitForAsync("hello from a stranger");
            await stranger.CloseAsync();
        }

        await error.WaitForAsync($"Still listening on port {port}. Waiting for User2");

        // Bob's reconnect goes through: User1 still knows it has his line, so nothing is resent or shown again.
        SecureSession bobAgain = await ConnectAsync(port, bobKey, "bob", bobConversation);
        await using (bobAgain)
        {
            await bobAgain.WaitForConversationAsync();
            bobConversation.Unconfirmed.Should().BeEmpty("User1's resume says it received the line");
            await bobAgain.SendAsync("and a new one");
            await output.WaitForAsync("and a new one");
            await bobAgain.CloseAsync();
        }

        output.ToString().Split("the line from bob").Length.Should().Be(2, "Bob's line is shown exactly once:\n" + output);
        await user1.StopAsync();
    }

    /// <summary>
    /// Connects; while User1 is still closing the previous conversation (it says so on the screen a moment
    /// before its slot is free) it answers busy, and the caller tries again, as User2's --reconnect does.
    /// </summary>
    private static async Task<SecureSession> ConnectAsync(int port, IdentityKey identity, string name, Conversation conversation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ConnectOnceAsync(port, identity, name, conversation);
            }
            catch (PeerAbortedException e) when (e.Reason == AbortReason.Busy && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task<SecureSession> ConnectOnceAsync(int port, IdentityKey identity, string name, Conversation conversation)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var options = new SessionOptions { Identity = identity, Name = name, TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) };

        // The session owns the stream, and the stream its socket.
        return await SecureSession.InitiateAsync(new NetworkStream(socket, ownsSocket: true), options, conversation);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), what);
            await Task.Delay(10);
        }
    }
}
