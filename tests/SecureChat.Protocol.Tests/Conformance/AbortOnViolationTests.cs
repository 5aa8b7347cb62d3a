using SecureChat.Protocol.Errors;

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
        { "chunk at offset 2^63 - 1", [Resume, "chunk:1:9223372036854775807:0"] },
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

    private static async Task<(string? Abort, Exception? Failure)> RunAsync(string[] script)
    {
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(script, sayBye: false);
        return (abort, failure);
    }
}
