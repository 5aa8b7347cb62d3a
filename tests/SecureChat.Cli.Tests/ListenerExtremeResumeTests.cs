using System.Net.Sockets;
using System.Net;
using System.Reflection;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views.Script;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests;

/// <summary>
/// Regression, issue 13 item 10, against User1's real listener: a caller that completed a real handshake
/// sends a <c>resume</c> whose <c>through</c> is past 2^63 − 1. An <c>OverflowException</c> used to escape
/// User1's receiving loop: no abort, and its only conversation slot held until the peer timeout. Rule
/// (docs/protocol.md, "Resuming a conversation"): "A `through` or `first` outside its range is a
/// violation, checked before either is used."
/// </summary>
public sealed class ListenerExtremeResumeTests
{
    [Theory]
    [InlineData(9_223_372_036_854_775_808UL)] // 2^63, one past the range
    [InlineData(ulong.MaxValue)] // 2^64 − 1, the largest uint64
    public async Task Listener_CallerResumesThroughPastTheRange_CallerHearsAnAbort_ListenerServesTheNextCaller(ulong through)
    {
        using var home = new TempHome();
        using var user2Home = new TempHome();
        int port = TestPorts.Free();
        using var input = new TypedInput();
        var output = new LiveText();
        var error = new LiveText();
        await using RunningListener user1 = await RunningListener.StartAsync(ListenerSettings.For(home.Path, port), new ScriptedTerminal(input, output, error));

        // The public API never lets a conversation's last received id leave its range, so the test sets it:
        // the real session then sends exactly the resume a hostile peer would. By reflection, because
        // SecureChat.Protocol grants InternalsVisibleTo to its own tests, the benchmarks and the fuzzer only,
        // and one hostile value here does not justify a new grant in production code.
        var hostile = new Conversation();
        FieldInfo lastReceived = typeof(Conversation).GetField("_lastReceivedId", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("Conversation._lastReceivedId was renamed: this test can no longer build its hostile resume.");
        lastReceived.SetValue(hostile, through);
        using IdentityKey key = IdentityKey.Generate();
        SecureSession caller = await ConnectAsync(port, key, hostile);
        await using (caller)
        {
            Func<Task> resumed = () => caller.WaitForConversationAsync();
            (await resumed.Should().ThrowAsync<PeerAbortedException>("User1 answers the violation with an abort frame"))
                .Which.Reason.Should().Be(AbortReason.SessionFailed);
        }

        await error.WaitForAsync("broke the protocol, so the conversation was ended");

        // A real User2 chats next. While User1 is still letting go of the hostile caller it may answer busy
        // for a moment (it frees the slot just after the warning), so User2 tries again, as --reconnect would.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AppRun user2;
        do
        {
            user2 = await AppRun.RunWithInputAsync(ChatRole.Connector, "after the hostile resume\n", null,
                "--home", user2Home.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--wait", "5");
        }
        while (user2.ExitCode != ExitCode.Success && user2.Error.Contains("busy", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(30));

        user2.ExitCode.Should().Be(ExitCode.Success, user2.Error);
        await output.WaitForAsync("after the hostile resume");

        await user1.StopAsync();
    }

    private static async Task<SecureSession> ConnectAsync(int port, IdentityKey identity, Conversation conversation)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var options = new SessionOptions { Identity = identity, Name = "hostile", TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) };

        // The session owns the stream, and the stream its socket.
        return await SecureSession.InitiateAsync(new NetworkStream(socket, ownsSocket: true), options, conversation);
    }
}
