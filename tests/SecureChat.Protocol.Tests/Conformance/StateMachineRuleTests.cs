using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "Opening (the receive rule)", "State machines" and "Resuming a conversation", rule by
/// rule, in both roles: a scripted peer plays the rule's case against a real session.
/// </summary>
public sealed class StateMachineRuleTests
{
    private const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";

    [Theory]
    [InlineData(48)]
    [InlineData(64)]
    [InlineData(207)]
    [InlineData(209)]
    [InlineData(368 + 16)]
    public async Task Opening_SealedNotFortyEightPlusAWholeBucket_ViolationBeforeTheTag(int length)
    {
        // Rule (Opening, 3; issue 13, item 6): "`len(sealed)` must be 48 + 160·k bytes with k ≥ 1 (so at
        // least 208) … Failure: protocol violation."
        string frame = $$"""frame:{"type":"record","seq":0,"sealed":"{{Convert.ToBase64String(new byte[length])}}"}""";
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync([frame], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("48 + 160·k");
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Opening_SealedOfAWholeBucketButForged_IntegrityFailure()
    {
        // Rule (Opening, 6): "The tag must equal `MAC(mac_key, …)` … Failure: integrity failure."
        string frame = $$"""frame:{"type":"record","seq":0,"sealed":"{{Convert.ToBase64String(new byte[208])}}"}""";
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync([frame], sayBye: false);
        failure.Should().BeOfType<IntegrityException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Session_AFrameOfAnotherType_Violation()
    {
        // Rule (Session): "Open, Closing | a frame of another type … | send an abort if due | Failed".
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(["""frame:{"type":"key","wrapped":""}"""], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Session_AbortReceived_ReportsTheReasonAndSendsNothing()
    {
        // Rule (Session): "Open, Closing | `abort` received | report the peer's reason; send nothing | Failed".
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync([Resume, """frame:{"reason":"timeout","type":"abort"}"""], sayBye: false);
        failure.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.Timeout);
        abort.Should().BeNull("nothing is sent back to an abort");
    }

    [Fact]
    public async Task Session_ByeReceived_AnsweredWithBye()
    {
        // Rule (Session): "Open | `bye` received | report "peer closed"; send our `bye` …| Closed".
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync([Resume], sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.Should().ContainSingle(e => e is PeerClosed);
    }

    [Fact]
    public async Task Resume_Twice_Violation()
    {
        // Rule (Resuming): a `resume` is the first record of a direction, once: "a `resume` out of place" is a violation.
        (_, Exception? failure, _) = await ScriptRun.AgainstResponderAsync([Resume, Resume], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>();
    }

    [Theory]
    [InlineData("""{"kind":"text","id":1,"sentAt":0,"text":"early"}""")]
    [InlineData("""{"kind":"receipt","through":1}""")]
    [InlineData("""{"kind":"offer","file":1,"name":"a","size":1,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}""")]
    public async Task Initiator_ResponderSendsMoreThanPingPongByeBeforeItsResume_Violation(string early)
    {
        // Rule (Resuming; issue 13, item 4), the same in both roles: "Before it has applied the peer's
        // `resume`, a side accepts only `ping`, `pong`, `bye` and that `resume`; anything else is a violation."
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstInitiatorAsync(new Conversation(), [early], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("before its resume");
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Initiator_PingBeforeTheResponderResume_Taken()
    {
        // Rule (Resuming): "… a side accepts only `ping`, `pong`, `bye` and that `resume`" — a ping is allowed.
        var bob = new Conversation();
        string answer = $$"""{"kind":"resume","through":0,"conversation":"{{Convert.ToBase64String(bob.Id)}}","first":1}""";
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstInitiatorAsync(
            bob, ["""{"kind":"ping"}""", answer, """{"kind":"text","id":1,"sentAt":0,"text":"hi"}"""], sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("hi");
    }

    [Fact]
    public async Task Initiator_AnswerNamesAnotherConversation_Violation()
    {
        // Rule (Resuming, 3): "The initiator checks that the answer names the same conversation (else a violation)".
        (_, Exception? failure, _) = await ScriptRun.AgainstInitiatorAsync(new Conversation(), [Resume], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("another conversation");
    }

    [Fact]
    public async Task Initiator_AnswerClaimsTextsNeverSent_Violation()
    {
        // Rule (Resuming, 3): "… that its `through` is not above the last `id` the initiator sent (else a violation)".
        var bob = new Conversation();
        string answer = $$"""{"kind":"resume","through":1,"conversation":"{{Convert.ToBase64String(bob.Id)}}","first":1}""";
        (_, Exception? failure, _) = await ScriptRun.AgainstInitiatorAsync(bob, [answer], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("claims to have received");
    }
}
