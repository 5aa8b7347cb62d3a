using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>/rekey, and the key line of /status and /verify (issue 18 item 3).</summary>
public sealed class ChatLoopRekeyTests
{
    [Fact]
    public async Task Run_StatusAndVerify_SayPostQuantumAndThatNoRekeyHappenedYet()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen).RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, new FakeTerminal()).RunAsync(default);

            bobScreen.Type("/status");
            await bobScreen.WaitForAsync(s => s.Contains("Keys: post-quantum: ML-KEM-768 + P-256; no rekey yet", StringComparison.Ordinal));
            bobScreen.Type("/verify");
            await bobScreen.WaitForAsync(s => s.Contains(alice.SafetyNumber.ToString(), StringComparison.Ordinal));
            await bobScreen.WaitForAsync(s => s.Contains("Keys: post-quantum: ML-KEM-768 + P-256; no rekey yet", StringComparison.Ordinal));
            bobScreen.Type("/quit");
            await Task.WhenAll(bobChat, aliceChat);
        }
    }

    [Fact]
    public async Task Run_Rekey_RenewsTheKeysBothSidesAndStatusShowsWhen()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen).RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen).RunAsync(default);

            bobScreen.Type("/rekey");
            await bobScreen.WaitForAsync(s => s.Contains("Fresh keys agreed.", StringComparison.Ordinal) && s.Contains("(1 in this session)", StringComparison.Ordinal));
            bob.RekeyCount.Should().Be(1);
            alice.RekeyCount.Should().Be(1);
            bobScreen.Type("after the rekey");
            await aliceScreen.WaitForAsync(s => s == "in bob: after the rekey");
            bobScreen.Type("/status");
            await bobScreen.WaitForAsync(s => s.Contains("last rekey", StringComparison.Ordinal));
            bobScreen.Type("/quit");
            await Task.WhenAll(bobChat, aliceChat);
        }
    }

    private static ChatLoop Loop(SecureSession session, IChatTerminal terminal) =>
        new(session, terminal, session.Role == Protocol.Handshake.Role.Initiator ? "bob" : "alice", NullLogger.Instance, TimeSpan.FromSeconds(10));
}
