using System.Text.Json;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "Files", rule by rule: a scripted Bob plays the sender or the receiver of a transfer
/// against a real Alice whose application accepts, rejects, offers or confirms as User1 would.
/// </summary>
public sealed class FileRuleTests
{
    /// <summary>Bob's resume of a new conversation, which every script of the file rules starts with.</summary>
    internal const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";

    /// <summary>The SHA-256 of nothing, as a byte string: what every offer and accept of these scripts names.</summary>
    internal const string Hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    /// <summary>Chunks Bob sends for his 10-byte file (100,000 bytes where a chunk must be larger than the limit), once Alice has accepted it at 0.</summary>
    public static TheoryData<string, long, (long Offset, int Length)[]> MisplacedChunks => new()
    {
        { "a `chunk` … out of place (a gap …)", 10, [(0, 4), (6, 4)] },
        { "a `chunk` … out of place (… an overlap …)", 10, [(0, 4), (2, 4)] },
        { "a `chunk` … out of place (… a first chunk that starts neither at the accepted `offset` nor at 0)", 10, [(3, 4)] },
        { "a `chunk` … larger than 49,152 bytes", 100_000, [(0, 49_153)] },
        { "a `chunk` … past `size`", 10, [(0, 11)] },
        { "a `chunk` … empty anywhere but at `size`", 10, [(0, 0)] },
    };

    /// <summary>What Bob, as the receiver of Alice's 10-byte file 1, answers.</summary>
    public static TheoryData<string, string[]> BrokenAnswers => new()
    {
        { "an `accept` or `reject` that answers an offer twice", [Accept(0), Accept(0)] },
        { "an `accept` whose `offset` is not 0 and not below `size`", [Accept(10)] },
        { "a `verified` before the last chunk", [Accept(0), """{"kind":"verified","file":1}"""] },
        { "`reject` carries a `reason` (1 to 512 bytes of UTF-8)", ["""{"kind":"reject","file":1,"reason":""}"""] },
    };

    [Theory]
    [MemberData(nameof(MisplacedChunks))]
    public async Task Receiver_ChunkOutOfPlace_Violation(string rule, long size, (long Offset, int Length)[] chunks)
    {
        // Rule (Files): "A receiver must refuse as a violation: … a `chunk` for a file it never accepted, out
        // of place (a gap, an overlap, a first chunk that starts neither at the accepted `offset` nor at 0),
        // larger than 49,152 bytes, past `size`, or empty anywhere but at `size`".
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync(Offer(size));
                await ReadUntilAsync(bob, "accept");
                foreach ((long offset, int length) in chunks)
                {
                    await bob.SendChunkAsync(1, offset, length);
                }
            },
            AcceptEveryOffer,
            sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>(rule);
        abort.Should().Be("session-failed", rule);
    }

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task Sender_AnswerBreaksARule_Violation(string rule, string[] answers)
    {
        // Rule (Files): "A receiver must refuse as a violation: … an `accept` or `reject` that answers an
        // offer twice; an `accept` whose `offset` is not 0 and not below `size`; a `verified` before the last
        // chunk" (the sender, Alice here, checks what the receiver says; she sends no chunk at all).
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, alice) =>
            {
                await bob.SendInnerAsync(Resume);
                await alice.OfferFileAsync("a", 10, Convert.FromBase64String(Hash));
                foreach (string answer in answers)
                {
                    await bob.SendInnerAsync(answer);
                }
            },
            onEvent: null,
            sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>(rule);
        abort.Should().Be("session-failed", rule);
    }

    [Fact]
    public async Task Receiver_OfferWithAnEmptyName_Violation()
    {
        // Rule (Files, 1): "**offer** (sender): `name` (1 to 16,384 bytes of UTF-8 …)".
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            [Resume, $$"""{"kind":"offer","file":1,"name":"","size":1,"sha256":"{{Hash}}"}"""], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("empty name");
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Receiver_ChunkAfterOurReject_Ignored()
    {
        // Rule (Files): "What can cross on the wire is not a violation: … a `chunk` after our `reject` …; they are ignored."
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync(Offer(10));
                await ReadUntilAsync(bob, "accept");
                await bob.SendChunkAsync(1, 0, 4);
                await ReadUntilAsync(bob, "reject");
                await bob.SendChunkAsync(1, 4, 4); // was on its way when the reject came
                await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"still here"}""");
            },
            async (alice, e) =>
            {
                await AcceptEveryOffer(alice, e);
                if (e is FileChunkReceived c)
                {
                    await alice.RejectFileAsync(c.File, "declined");
                }
            },
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<FileChunkReceived>().Should().ContainSingle("the chunk after our reject is dropped");
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("still here");
    }

    [Fact]
    public async Task Sender_AcceptAfterOurCancel_Ignored()
    {
        // Rule (Files): "What can cross on the wire is not a violation: an `accept` or `reject` arriving after our `cancel` …; they are ignored."
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(
            async (bob, alice) =>
            {
                await bob.SendInnerAsync(Resume);
                await alice.OfferFileAsync("a", 10, Convert.FromBase64String(Hash));
                await alice.CancelFileAsync(1, "changed my mind");
                await bob.SendInnerAsync(Accept(0));
                await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"still here"}""");
            },
            onEvent: null,
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<FileAccepted>().Should().BeEmpty("an accept of a cancelled transfer is dropped");
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("still here");
    }

    [Fact]
    public async Task Receiver_CancelAfterOurVerified_Ignored()
    {
        // Rule (Files): "What can cross on the wire is not a violation: … a `cancel` after our `verified`; they are ignored."
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync(Offer(4));
                await ReadUntilAsync(bob, "accept");
                await bob.SendChunkAsync(1, 0, 4);
                await ReadUntilAsync(bob, "verified");
                await bob.SendInnerAsync("""{"kind":"cancel","file":1,"reason":"too late"}""");
                await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"still here"}""");
            },
            async (alice, e) =>
            {
                await AcceptEveryOffer(alice, e);
                if (e is FileChunkReceived { Complete: true } c)
                {
                    await alice.ConfirmFileAsync(c.File);
                }
            },
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<FileCancelled>().Should().BeEmpty("a cancel of a verified transfer is dropped");
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("still here");
    }

    private static ValueTask AcceptEveryOffer(SecureSession alice, SessionEvent e) =>
        e is FileOffered o ? alice.AcceptFileAsync(o.File, 0, Convert.FromBase64String(Hash)) : ValueTask.CompletedTask;

    private static string Offer(long size) => $$"""{"kind":"offer","file":1,"name":"a","size":{{size}},"sha256":"{{Hash}}"}""";

    private static string Accept(long offset) => $$"""{"kind":"accept","file":1,"offset":{{offset}},"prefix":"{{Hash}}"}""";

    /// <summary>Reads Alice's records until one of <paramref name="kind"/>; fails if her session ends first.</summary>
    internal static async Task<string> ReadUntilAsync(ScriptedPeer peer, string kind)
    {
        var seen = new List<string>();
        while (true)
        {
            string inner = await peer.ReadInnerAsync() ?? throw new InvalidOperationException($"The session ended before it sent a {kind}; it sent {string.Join(", ", seen)}.");
            seen.Add(inner);
            if (JsonDocument.Parse(inner).RootElement.GetProperty("kind").GetString() == kind)
            {
                return inner;
            }
        }
    }
}
