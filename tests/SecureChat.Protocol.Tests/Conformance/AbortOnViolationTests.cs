using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "What goes on the wire": "`ProtocolViolationException`, `IntegrityException` …
/// `session-failed`" — every violation in the session sends that abort before the connection closes, even
/// when the application closes the session the moment it hears of the failure (as User1 does). Issue 13,
/// items 2 and 10.
/// </summary>
public sealed class AbortOnViolationTests
{
    private const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";

    // Each run is a full handshake: enough runs to lose a race that the abort loses 5 times in 6.
    private const int Runs = 8;

    /// <summary>The violations issue 13 lists, each as what the scripted peer sends after the handshake.</summary>
    public static TheoryData<string, string[]> Violations => new()
    {
        { "a text before resume", ["""{"kind":"text","id":1,"sentAt":0,"text":"early"}"""] },
        { "a zero-length frame", ["raw:00000000"] },
        { "an escaped \\/ inside sealed", ["frame:{\"type\":\"record\",\"seq\":0,\"sealed\":\"\\/AAA\"}"] },
        { "sentAt out of range", [Resume, """{"kind":"text","id":1,"sentAt":253402300800000,"text":"late"}"""] },
        { "sentAt negative", [Resume, """{"kind":"text","id":1,"sentAt":-1,"text":"early"}"""] },
    };

    /// <summary>Numeric fields at and past the ends of their documented ranges (item 10).</summary>
    public static TheoryData<string, string[]> ExtremeValues => new()
    {
        { "resume.through = 2^63", ["""{"kind":"resume","through":9223372036854775808,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}"""] },
        { "resume.through = 2^64 - 1", ["""{"kind":"resume","through":18446744073709551615,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}"""] },
        { "resume.first = 2^63", ["""{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":9223372036854775808}"""] },
        { "resume.first = 2^64 - 1", ["""{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":18446744073709551615}"""] },
        { "resume.first = 0", ["""{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":0}"""] },
        { "text.id = 2^64 - 1", [Resume, """{"kind":"text","id":18446744073709551615,"sentAt":0,"text":"x"}"""] },
        { "receipt.through = 2^64 - 1", [Resume, """{"kind":"receipt","through":18446744073709551615}"""] },
        { "offer.file = 2^64 - 1", [Resume, """{"kind":"offer","file":18446744073709551615,"name":"a","size":1,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}"""] },
        { "offer.size = -1", [Resume, """{"kind":"offer","file":1,"name":"a","size":-1,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}"""] },
        { "offer.size = 2^63", [Resume, """{"kind":"offer","file":1,"name":"a","size":9223372036854775808,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}"""] },
        { "accept of a file never offered", [Resume, """{"kind":"accept","file":18446744073709551615,"offset":9223372036854775807,"prefix":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}"""] },
        { "chunk at offset 2^63 - 1", [Resume, """{"kind":"chunk","file":1,"offset":9223372036854775807,"data":""}"""] },
        { "record seq = 2^64 - 1", ["frame:{\"type\":\"record\",\"seq\":18446744073709551615,\"sealed\":\"AAAA\"}"] },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Violation_ApplicationClosesAtOnce_AbortArrivesEveryTime(string violation, string[] script)
    {
        for (int run = 0; run < Runs; run++)
        {
            (string? abort, Exception? failure) = await RunAsync(script);
            abort.Should().Be("session-failed", $"{violation}, run {run + 1}: the abort must reach the peer before the connection closes");
            failure.Should().BeAssignableTo<SessionException>().And.Match(e => e is ProtocolViolationException || e is IntegrityException, violation);
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeValues))]
    public async Task ExtremeValue_IsAViolationWithAnAbort(string value, string[] script)
    {
        (string? abort, Exception? failure) = await RunAsync(script);
        abort.Should().Be("session-failed", value);
        failure.Should().Match(e => e is ProtocolViolationException || e is IntegrityException, $"{value} is refused as the peer's violation, not a crash");
    }

    /// <summary>A responder with conversations (as User1) meets the script; it closes the session as soon as it fails.</summary>
    private static async Task<(string? Abort, Exception? Failure)> RunAsync(string[] script)
    {
        SessionOptions alice = Responder();
        (ScriptedPeer bob, SecureSession session) = await ScriptedPeer.AgainstResponderAsync(alice);
        await using (bob)
        {
            Task<Exception?> user1 = ActLikeUser1Async(session);
            foreach (string step in script)
            {
                await SendAsync(bob, step);
            }

            Task<string?> abort = bob.ReadAbortAsync();
            return (await abort.WaitAsync(TimeSpan.FromSeconds(60)), await user1.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    /// <summary>Alice as User1 runs her: she resolves conversations, so she requires the initiator's resume.</summary>
    internal static SessionOptions Responder() => new()
    {
        Identity = TestIdentities.Alice,
        Name = "alice",
        TrustPeer = SessionHarness.TrustAll,
        ResolveConversation = (_, id) => new Conversation(id.Span),
    };

    private static Task SendAsync(ScriptedPeer bob, string step) => step switch
    {
        _ when step.StartsWith("raw:", StringComparison.Ordinal) => bob.SendRawAsync(Convert.FromHexString(step[4..])),
        _ when step.StartsWith("frame:", StringComparison.Ordinal) => bob.SendRawAsync(FrameCodec.Encode(Encoding.UTF8.GetBytes(step[6..]))),
        _ => bob.SendInnerAsync(step),
    };

    /// <summary>What User1 does: wait for the conversation, read events, and close at once on a failure.</summary>
    private static async Task<Exception?> ActLikeUser1Async(SecureSession session)
    {
        Exception? failure = null;
        try
        {
            await session.WaitForConversationAsync();
            await foreach (SessionEvent _ in session.ReadEventsAsync())
            {
            }
        }
        catch (SessionException e)
        {
            failure = e;
        }

        await session.DisposeAsync();
        return failure;
    }
}
