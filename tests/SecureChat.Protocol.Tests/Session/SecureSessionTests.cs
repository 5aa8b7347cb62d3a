using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

public sealed class SecureSessionTests
{
    [Fact]
    public async Task Handshake_OverPipes_BothSidesLearnTheOthersIdentity()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            bob.Peer.Name.Should().Be("alice");
            bob.Peer.PublicKey.Should().Be(TestIdentities.Alice.PublicKey);
            alice.Peer.Name.Should().Be("bob");
            alice.Peer.PublicKey.Should().Be(TestIdentities.Bob.PublicKey);
            alice.SafetyNumber.Should().Be(bob.SafetyNumber);
        }
    }

    [Fact]
    public async Task SendAsync_Text_ArrivesAndIsAcknowledged()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            ulong id = await bob.SendAsync("hello alice");
            await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
            (await aliceEvents.MoveNextAsync()).Should().BeTrue();
            aliceEvents.Current.Should().BeOfType<MessageReceived>().Which.Text.Should().Be("hello alice");

            await using IAsyncEnumerator<SessionEvent> bobEvents = bob.ReadEventsAsync().GetAsyncEnumerator();
            (await bobEvents.MoveNextAsync()).Should().BeTrue();
            MessagesDelivered delivered = bobEvents.Current.Should().BeOfType<MessagesDelivered>().Which;
            delivered.ThroughId.Should().Be(id);
            delivered.Confirmed.Select(t => t.Text).Should().Equal("hello alice");

            await bob.CloseAsync();
            (await aliceEvents.MoveNextAsync()).Should().BeTrue();
            aliceEvents.Current.Should().BeOfType<PeerClosed>();
            (await aliceEvents.MoveNextAsync()).Should().BeFalse();
        }
    }
}
