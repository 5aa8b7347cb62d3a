using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "JSON rules" (as they apply to inner messages) and "Inner messages": each row quotes
/// a rule and gives the authenticated inner messages a scripted initiator sends to a real responder
/// that, as User1, requires the resume. A broken rule must end the session with a protocol violation
/// and the abort `session-failed`; a message the rules allow must be taken.
/// </summary>
public sealed class InnerMessageRuleTests
{
    private const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";
    private const string Hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    public static TheoryData<string, string> Broken => new()
    {
        { "A kind this version does not know … is a protocol violation", """{"kind":"hello"}""" },
        { "`kind` is case-sensitive", """{"kind":"Ping"}""" },
        { "`kind`: all; required, not null", """{"kind":null}""" },
        { "A member not in the table is a violation", """{"kind":"ping","colour":"red"}""" },
        { "a known kind with a member present that must be absent … is a protocol violation", """{"kind":"ping","id":1}""" },
        { "a known kind with a member … absent that must be present is a protocol violation", """{"kind":"receipt"}""" },
        { "a member given twice is a violation", """{"kind":"ping","kind":"ping"}""" },
        { "a value of the wrong JSON type is a violation", """{"kind":"text","id":"1","sentAt":0,"text":"x"}""" },
        { "integers must be plain JSON integers (no fraction …)", """{"kind":"text","id":1.0,"sentAt":0,"text":"x"}""" },
        { "integers must be plain JSON integers (… no exponent)", """{"kind":"text","id":1e0,"sentAt":0,"text":"x"}""" },
        { "`uint64` … (no minus sign, not even `-0`)", """{"kind":"text","id":-0,"sentAt":0,"text":"x"}""" },
        { "A string that decodes to … a lone surrogate (for example `\"\\ud800\"`) is a violation", """{"kind":"text","id":1,"sentAt":0,"text":"\ud800"}""" },
        { "no trailing commas", """{"kind":"ping",}""" },
        { "no comments", """{"kind":"ping"/* */}""" },
        { "nothing but whitespace may follow the object", """{"kind":"ping"}x""" },
        { "UTF-8 with no byte order mark", "\uFEFF{\"kind\":\"ping\"}" },
        { "Byte strings … the JSON string contains no escape sequence at all (inner messages too)", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA\u003d\u003d","first":1}""" },
        { "Byte strings … the unused low bits of the last data character are zero (inner messages too)", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kB==","first":1}""" },
        { "Byte strings … its length is a multiple of 4 (inner messages too)", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA","first":1}""" },
        { "Byte strings … the standard alphabet (inner messages too)", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4k_==","first":1}""" },
        { "`conversation` … (16 bytes)", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4","first":1}""" },
        { "`first` … It must be at least 1", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":0}""" },
        { "`id` must be exactly one more than the `id` of the previous text received (the first text has `id` 1) … Only a gap is a violation", Resume + "\n" + """{"kind":"text","id":2,"sentAt":0,"text":"x"}""" },
        { "`text` must not be empty", Resume + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":""}""" },
        { "`text` … at most 65,536 bytes when encoded as UTF-8", Resume + "\n" + "{\"kind\":\"text\",\"id\":1,\"sentAt\":0,\"text\":\"" + new string('a', 65_537) + "\"}" },
        { "`sentAt` … must be in `0 … 253402300799999`", Resume + "\n" + """{"kind":"text","id":1,"sentAt":253402300800000,"text":"x"}""" },
        { "receipt: `through` must be greater than the highest `through` received so far (initially 0 …)", Resume + "\n" + """{"kind":"receipt","through":0}""" },
        { "receipt: `through` … at most the highest `id` the receiver of the receipt has sent", Resume + "\n" + """{"kind":"receipt","through":1}""" },
        { "offer: `file` must be one more than the peer's previous offer", Resume + "\n" + $$"""{"kind":"offer","file":2,"name":"a","size":1,"sha256":"{{Hash}}"}""" },
        { "an `offer` … with a negative size", Resume + "\n" + $$"""{"kind":"offer","file":1,"name":"a","size":-1,"sha256":"{{Hash}}"}""" },
        { "an `offer` … with a hash that is not 32 bytes", Resume + "\n" + """{"kind":"offer","file":1,"name":"a","size":1,"sha256":"AAAA"}""" },
        { "a `chunk` for a file it never accepted", Resume + "\n" + $$"""{"kind":"offer","file":1,"name":"a","size":1,"sha256":"{{Hash}}"}""" + "\n" + "chunk:1:0:1" },
        { "any file message naming a file never offered", Resume + "\n" + $$"""{"kind":"accept","file":1,"offset":0,"prefix":"{{Hash}}"}""" },
    };

    public static TheoryData<string, string, string[]> Allowed => new()
    {
        { "members may come in any order", Resume + "\n" + """{"text":"x","sentAt":0,"id":1,"kind":"text"}""", ["x"] },
        { "their optional members may be absent or `null`, and both mean \"absent\"", Resume + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":"x","through":null,"file":null}""", ["x"] },
        { "strings may use any valid JSON escape", Resume + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":"\u0041\/\u007f\ud83d\ude00"}""", ["A/\u007f\U0001F600"] },
        { "a text whose `id` is at or below the last one received is a duplicate: it is dropped without a word", Resume + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":"once"}""" + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":"once"}""", ["once"] },
        { "whitespace is allowed where RFC 8259 allows it, including before and after the object", Resume + "\n" + " {\"kind\" : \"text\", \"id\":1,\"sentAt\":0,\"text\":\"x\"}\t", ["x"] },
        { "`sentAt` … `0 … 253402300799999` (the top is allowed)", Resume + "\n" + """{"kind":"text","id":1,"sentAt":253402300799999,"text":"x"}""", ["x"] },
        { "Applying the peer's `resume`: last received ← max(last received, F − 1): the ids below F will never come", """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":5}""" + "\n" + """{"kind":"text","id":5,"sentAt":0,"text":"x"}""", ["x"] },
        { "Before the peer's resume a side accepts only `ping`, `pong` and `bye`, and the peer's `resume`", """{"kind":"ping"}""" + "\n" + """{"kind":"pong"}""" + "\n" + Resume + "\n" + """{"kind":"text","id":1,"sentAt":0,"text":"x"}""", ["x"] },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Rule_Broken_ResponderEndsTheSessionWithSessionFailed(string rule, string script)
    {
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(script.Split('\n'), sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>(rule);
        abort.Should().Be("session-failed", rule);
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task Rule_Followed_ResponderTakesTheMessage(string rule, string script, string[] shown)
    {
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(script.Split('\n'), sayBye: true);
        failure.Should().BeNull(rule);
        abort.Should().BeNull(rule);
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal(shown, rule);
    }
}
