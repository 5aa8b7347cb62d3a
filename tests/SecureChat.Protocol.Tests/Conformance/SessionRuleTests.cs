using System.Text.Json;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;
using SecureChat.Protocol.Tests.Session;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "Opening" step 7 and the session's state machines ("Session", "Goodbye and
/// truncation", "Keepalive", "Receipts", "Clock skew", "Resuming a conversation"), rule by rule: a
/// scripted Bob against a real Alice, or, where a test under Session/ already plays the rule's exact
/// case, that scenario called under the rule it checks.
/// </summary>
// The keepalive rules run the Session tests' cases on short clocks: like those, they run alone.
[Collection(TimingSensitive.Name)]
public sealed class SessionRuleTests
{
    private const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";

    [Fact]
    public async Task Opening_AuthenticRecordWhoseLastNonZeroByteIsNotTheMarker_IntegrityFailure()
    {
        // Rule (Opening, 7): "Decrypt `C` with AES-256-CBC, no padding removal. Find the last byte that is
        // not 0x00. It must be 0x80; the message is everything before it. Failure: integrity failure."
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            (bob, _) => bob.SendWithoutThePaddingMarkerAsync(Resume), onEvent: null, sayBye: false);
        failure.Should().BeOfType<IntegrityException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Keepalive_PingReceived_AnsweredWithAPong()
    {
        // Rule (Keepalive): "A side that receives a `ping` answers with a `pong`."
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync("""{"kind":"ping"}""");
                await FileRuleTests.ReadUntilAsync(bob, "pong");
            },
            onEvent: null,
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
    }

    [Fact]
    public async Task Keepalive_SilenceReachesThePeerTimeout_FailsWithATimeoutAndSendsAbortTimeout()
    {
        // Rule (Keepalive): "silence ≥ **peer timeout** (default 45 s): the peer is gone; fail with a
        // timeout and send `abort` `timeout`."
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            (bob, _) => bob.SendInnerAsync(Resume), onEvent: null, sayBye: false, ScriptRun.Responder(peerTimeout: TimeSpan.FromSeconds(1.5)));
        failure.Should().BeOfType<SessionTimeoutException>();
        abort.Should().Be("timeout");
    }

    [Fact]
    public Task Keepalive_SilentBeforeTheFirstFrame_TheLimitIsThePeerDecisionTimeout() =>
        // Rule (Keepalive): "Until the first frame of the session arrives from the peer, the limit is the
        // **peer decision timeout** (default 5 minutes) instead". The scenario under Session/ plays it exactly.
        new KeepaliveTests().SilentPeer_BeforeItsFirstRecord_GetsTheLongerDecisionTimeout();

    [Fact]
    public async Task Closing_NoByeWithinTheFrameTimeout_CloseReturnsWithoutThrowing()
    {
        // Rule (Session): "Closing | no `bye` within the frame timeout (10 s) | | Closed"; (Goodbye and
        // truncation): "the missing `bye` is then recorded as a possible truncation, not thrown at the caller of close."
        (string? abort, _, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, alice) =>
            {
                await bob.SendInnerAsync(Resume);
                await FileRuleTests.ReadUntilAsync(bob, "resume");
                await alice.CloseAsync(); // Bob never answers: this returns after the frame timeout
                await FileRuleTests.ReadUntilAsync(bob, "bye");
            },
            onEvent: null,
            sayBye: false,
            ScriptRun.Responder(frameTimeout: TimeSpan.FromSeconds(1)));
        abort.Should().BeNull("a close that timed out waiting is not a failure on the wire");
    }

    [Fact]
    public async Task Closing_RecordsBeforeThePeersBye_DeliveredAndNothingSentAfterOurBye()
    {
        // Rule (Session): "Open | local close | send `bye` | Closing", "Closing | `bye` received | stop
        // reading | Closed", and "After our `bye` we send no record at all: no text, no receipt, no pong,
        // no ping. Records that arrive after our `bye` and before the peer's are still opened and delivered."
        string? afterBye = "not read";
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(
            async (bob, alice) =>
            {
                await bob.SendInnerAsync(Resume);
                await FileRuleTests.ReadUntilAsync(bob, "resume");
                Task closing = alice.CloseAsync();
                await FileRuleTests.ReadUntilAsync(bob, "bye");
                await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"crossed your bye"}""");
                await bob.SendInnerAsync("""{"kind":"ping"}""");
                await bob.SendInnerAsync("""{"kind":"bye"}""");
                await closing;
                afterBye = await ReadNextOrEndAsync(bob);
            },
            onEvent: null,
            sayBye: false);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("crossed your bye");
        afterBye.Should().BeNull("no receipt for the text and no pong for the ping follow our bye");
    }

    [Fact]
    public Task Open_CleanEndOfStream_ReportsAPossibleTruncation() =>
        // Rule (Session): "Open | clean end of stream | report a possible truncation (lost connection) |
        // Failed". The scenario under Session/ plays it exactly.
        new SessionTamperingTests().Receive_ConnectionCutWithoutGoodbye_ReportsPossibleTruncation(Transport.Pipes);

    [Fact]
    public Task Closing_CleanEndOfStreamWithoutThePeersBye_ReportsAPossibleTruncation() =>
        // Rule (Session): "Closing | clean end of stream without the peer's `bye` | report a possible
        // truncation | Failed". The scenario under Session/ plays it exactly.
        new SessionTamperingTests().Close_PeersGoodbyeNeverArrives_ReportedAsPossibleTruncation();

    [Fact]
    public async Task Receipts_EachTextAccepted_AReceiptThroughItsId()
    {
        // Rule (Receipts): "After each `text` it accepts, a side queues a receipt with `through` = that
        // text's `id`." … "A receipt is sent only if its `through` is greater than the last one sent".
        var throughs = new List<long>();
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);

                // As the sender rule says, Bob sends no text before he has Alice's resume: texts that beat it
                // are covered by its `through` instead of a receipt.
                await FileRuleTests.ReadUntilAsync(bob, "resume");
                await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"one"}""");
                await bob.SendInnerAsync("""{"kind":"text","id":2,"sentAt":0,"text":"two"}""");
                while (throughs.Count == 0 || throughs[^1] < 2)
                {
                    string receipt = await FileRuleTests.ReadUntilAsync(bob, "receipt");
                    throughs.Add(JsonDocument.Parse(receipt).RootElement.GetProperty("through").GetInt64());
                }
            },
            onEvent: null,
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        throughs.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.EndWith(2);
    }

    [Fact]
    public async Task Resume_ReceiptNotPastThePeersThrough_Violation()
    {
        // Rule (Resuming, applying the peer's `resume`): "receipts in the new session must move past T";
        // (Inner messages): "`through` must be greater than the highest `through` received so far
        // (initially 0, or the `through` of the peer's `resume`)".
        string resumeThrough3 = """{"kind":"resume","through":3,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            [resumeThrough3, """{"kind":"receipt","through":3}"""], sayBye: false);
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task ClockSkew_TextsFarFromOurClock_OneWarningBeforeTheFirstAndNeverAFailure()
    {
        // Rule (Clock skew): "The first time `|skew|` exceeds 5 minutes in a session, the receiver reports a
        // clock-skew warning (once per session) before the message. It is never a failure."
        (string? abort, Exception? failure, List<SessionEvent> events) = await ScriptRun.AgainstResponderAsync(
            [Resume, """{"kind":"text","id":1,"sentAt":0,"text":"1970"}""", """{"kind":"text","id":2,"sentAt":0,"text":"again"}"""], sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<ClockSkewDetected>().Should().ContainSingle();
        events.FindIndex(e => e is ClockSkewDetected).Should().BeLessThan(events.FindIndex(e => e is MessageReceived));
        events.OfType<MessageReceived>().Select(m => m.Text).Should().Equal("1970", "again");
    }

    /// <summary>The next record Alice sends, or null once her connection has ended.</summary>
    internal static async Task<string?> ReadNextOrEndAsync(ScriptedPeer peer)
    {
        try
        {
            return await peer.ReadInnerAsync();
        }
        catch (ConnectionLostException)
        {
            return null;
        }
    }
}
