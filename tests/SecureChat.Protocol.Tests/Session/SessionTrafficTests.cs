using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Both directions at once, in volume, over in-memory pipes and over loopback TCP.</summary>
public sealed class SessionTrafficTests
{
    private const int MessagesEachWay = 10_000;

    [Fact]
    public async Task SendAsync_TenThousandEachWayAtOnceOverPipes_AllArriveInOrderAndIntact()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await ExchangeAsync(bob, alice);
    }

    [Fact]
    public async Task SendAsync_TenThousandEachWayAtOnceOverTcp_AllArriveInOrderAndIntact()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverTcpAsync();
        await ExchangeAsync(bob, alice);
    }

    private static async Task ExchangeAsync(SecureSession bob, SecureSession alice)
    {
        await using (bob)
        await using (alice)
        {
            Task<List<string>> aliceReceives = ReceiveTextsAsync(alice, MessagesEachWay);
            Task<List<string>> bobReceives = ReceiveTextsAsync(bob, MessagesEachWay);
            Task bobSends = SendAllAsync(bob, "bob");
            Task aliceSends = SendAllAsync(alice, "alice");

            try
            {
                await Task.WhenAll(bobSends, aliceSends, aliceReceives, bobReceives).WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (Exception)
            {
                throw new InvalidOperationException($"bob: {bob.Failure}\n\nalice: {alice.Failure}");
            }

            (await aliceReceives).Should().Equal(Enumerable.Range(0, MessagesEachWay).Select(i => Text("bob", i)));
            (await bobReceives).Should().Equal(Enumerable.Range(0, MessagesEachWay).Select(i => Text("alice", i)));
            bob.Failure.Should().BeNull();
            alice.Failure.Should().BeNull();
        }
    }

    private static string Text(string who, int i) => $"{who} #{i} " + new string((char)('a' + (i % 26)), i % 300);

    private static async Task SendAllAsync(SecureSession session, string who)
    {
        for (int i = 0; i < MessagesEachWay; i++)
        {
            ulong id = await session.SendAsync(Text(who, i));
            id.Should().Be((ulong)i + 1);
        }
    }

    private static async Task<List<string>> ReceiveTextsAsync(SecureSession session, int count)
    {
        var texts = new List<string>(count);
        ulong delivered = 0;
        await foreach (SessionEvent e in session.ReadEventsAsync())
        {
            switch (e)
            {
                case MessageReceived m:
                    m.Id.Should().Be((ulong)texts.Count + 1);
                    texts.Add(m.Text);
                    break;
                case MessagesDelivered d:
                    d.ThroughId.Should().BeGreaterThan(delivered, "receipts only move forward");
                    delivered = d.ThroughId;
                    break;
            }

            if (texts.Count == count && delivered == (ulong)count)
            {
                break;
            }
        }

        return texts;
    }
}
