using SecureChat.Cli.Chat;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>/rekey, and the keys that /status and /verify describe (issue 18 item 3).</summary>
public sealed class ChatLoopRekeyTests
{
    [Fact]
    public async Task Run_StatusAndVerify_DescribePostQuantumKeysAndThatNoRekeyHappenedYet()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            (ChatDriver bobChat, _, Task<ChatOutcome> bobRun, Task<ChatOutcome> aliceRun) = await ChatDriver.PairAsync(bob, alice);

            bobChat.Command("/status");
            KeysDescribed afterStatus = await bobChat.WaitForAsync<KeysDescribed>();
            bobChat.Command("/verify");
            await bobChat.WaitForAsync<FingerprintsAsked>();
            await bobChat.WaitForAsync<KeysDescribed>(k => !ReferenceEquals(k, afterStatus));

            bobChat.Events.OfType<KeysDescribed>().Should().HaveCount(2).And.OnlyContain(k =>
                k.Agreement == "post-quantum: ML-KEM-768 + P-256" && k.LastRekey == null && k.Rekeys == 0 && !k.Renewed);
            bobChat.Command("/quit");
            await Task.WhenAll(bobRun, aliceRun);
        }
    }

    [Fact]
    public async Task Run_Rekey_RenewsTheKeysOnBothSidesAndTheChatGoesOn()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            (ChatDriver bobChat, ChatDriver aliceChat, Task<ChatOutcome> bobRun, Task<ChatOutcome> aliceRun) = await ChatDriver.PairAsync(bob, alice);

            bobChat.Command("/rekey");

            KeysDescribed renewed = await bobChat.WaitForAsync<KeysDescribed>(k => k.Renewed);
            renewed.Rekeys.Should().Be(1);
            renewed.LastRekey.Should().NotBeNull();
            bob.RekeyCount.Should().Be(1);
            bobChat.Type("after the rekey");
            await aliceChat.WaitForIncomingAsync("after the rekey");

            // Alice counts her rekey once her answer is written, under the write lock her receipt needs too.
            await bobChat.WaitForAsync<DeliveredThrough>();
            alice.RekeyCount.Should().Be(1);
            bobChat.Command("/quit");
            await Task.WhenAll(bobRun, aliceRun);
        }
    }
}
