using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Handshake;
using SecureChat.Protocol.Tests.Session;

using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// Rows of docs/protocol.md's state tables ("Initiator handshake", "Responder handshake", "Session",
/// "Keepalive", "Resuming a conversation", "Files") whose exact case a test elsewhere already plays: each
/// is quoted here and calls that scenario, so the suite names every rule without a second copy of its
/// scaffolding. Rules that needed a new scripted case live in the other classes of this folder.
/// </summary>
// The keepalive rules run the Session tests' cases on short clocks: like those, they run alone.
[Collection(TimingSensitive.Name)]
public sealed class StateTableRuleTests
{
    private const string Resume = """{"kind":"resume","through":0,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":1}""";

    [Fact]
    public void Handshakes_EveryRowFromStartToDone_BothSidesDeriveMatchingChains() =>
        // Rules (Initiator handshake): "Start | begin | send frame 1 | SentHello" … "SentFinish | frame 5
        // passes every check | derive chains | Done"; (Responder handshake): "Start | frame 1 passes every
        // check | send frame 2 | SentHello" … "GotKey | frame 4 passes every check | send frame 5, derive chains | Done".
        new HandshakeStateMachineTests().Run_HonestPeers_DeriveMatchingChainsInEachDirection();

    [Fact]
    public void Handshakes_AfterAFailure_NoStepGoesOn() =>
        // Rule (both handshake tables): "any | any failure, timeout or abort | erase secrets; send an abort
        // if one is due | Failed" — a failed handshake takes no further step.
        new HandshakeStateMachineTests().Initiator_AfterAFailedStep_RefusesToGoOn();

    [Fact]
    public Task Handshakes_TrustDecisionRefuses_AbortRefused() =>
        // Rule: "After Done, the trust decision either opens the session or sends `abort` `refused` and closes."
        new SessionHandshakeTests().Handshake_ResponderRefusesTheInitiator_NothingFlowsAndTheInitiatorHearsRefused();

    [Fact]
    public Task Keepalive_QuietLongerThanThePeerTimeout_PingsKeepItAlive() =>
        // Rule (Keepalive): "else, silence ≥ **keepalive interval** (default 15 s) … send a `ping`" and "A
        // side that receives a `ping` answers with a `pong`": two idle sides outlive the peer timeout.
        new KeepaliveTests().IdleSession_LongerThanThePeerTimeout_StaysAliveOnPings();

    [Fact]
    public Task Keepalive_AFrameStalledMidway_GoneByThePeerTimeout() =>
        // Rule (Keepalive): "This is the only "gone" verdict in a session, in every state, in the middle of a
        // frame or a file transfer too".
        new KeepaliveTests().StalledFrame_BeginsAndStops_DeclaredGoneByThePeerTimeoutNotTheFrameTimeout();

    [Fact]
    public Task Keepalive_ASlowFrameStillArriving_IsASignOfLife() =>
        // Rule (Keepalive): "the time since bytes last arrived from the peer (any bytes, part of a frame
        // included: a frame crossing a slow link is a sign of life while its bytes keep coming)".
        new KeepaliveTests().SlowFrame_TakesLongerThanFrameAndPeerTimeouts_ArrivesAndBothSidesStayAlive();

    [Fact]
    public Task Resume_UnconfirmedTexts_ResentInOrderWithTheirIdsBeforeNewOnes() =>
        // Rule (Resuming): "the unconfirmed texts with `id` ≤ T are confirmed; the others are **resent, in
        // order, with their original `id`, `sentAt` and `text`**, as ordinary `text` records of the new
        // session, before any new text".
        new ConversationResumeTests().Reconnect_UnconfirmedTextsBothWays_EachResentOnceInOrderBeforeNewOnes();

    [Fact]
    public Task Resume_ResponderHoldsNone_AdoptsTheId() =>
        // Rule (Resuming, 2): "The responder finds the conversation it holds with that id … or, if it holds
        // none, adopts the id as a new conversation (it may have restarted)."
        new ConversationResumeTests().Reconnect_ResponderForgotTheConversation_ItAdoptsItAndGetsTheUnconfirmedTexts();

    [Fact]
    public Task Resume_ResponderWritesNothingBeforeTheInitiatorsResume() =>
        // Rule (Resuming, Sending): "the responder's [resume goes out] as soon as it has applied the
        // initiator's. A side sends no `text`, `receipt` or file message before it has applied the peer's `resume`".
        new ConversationResumeTests().Responder_SendsNothingBeforeTheInitiatorsResume();

    [Fact]
    public async Task Resume_TheInitiatorsFirstRecord_IsItsResume()
    {
        // Rule (Resuming, Sending): "the initiator's [resume goes out] as soon as its trust decision has
        // accepted the peer (it is in fact its first record)".
        (ScriptedPeer alice, SecureSession bob) = await ScriptedPeer.AgainstInitiatorAsync(new Conversation());
        await using (alice)
        await using (bob)
        {
            string? first = await alice.ReadInnerAsync();
            first.Should().StartWith("""{"kind":"resume",""");
        }
    }

    [Fact]
    public async Task Opening_SeqAheadOfTheRecordsReceived_IntegrityFailure()
    {
        // Rule (Opening, 2): "`seq` must be exactly the number of records received so far in this direction.
        // Lower is a replay; higher means records were dropped or reordered. Either is an integrity failure."
        string frame = $$"""frame:{"type":"record","seq":1,"sealed":"{{Convert.ToBase64String(new byte[208])}}"}""";
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync([frame], sayBye: false);
        failure.Should().BeOfType<IntegrityException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public Task Opening_RecordReplayed_IntegrityFailure() =>
        // Rule (Opening, 2): "Lower is a replay … an integrity failure."
        new SessionTamperingTests().Receive_RecordReplayed_EndsWithIntegrityError(Infrastructure.Transport.Pipes);

    [Fact]
    public async Task Session_LocalDisposeWithoutClose_ClosesWithoutABye()
    {
        // Rule (Session): "Open | local dispose without close | close the connection without `bye` (the peer
        // sees a truncation) | Closed".
        (ScriptedPeer bob, SecureSession alice) = await ScriptedPeer.AgainstResponderAsync(ScriptRun.Responder());
        await using (bob)
        {
            await bob.SendInnerAsync(Resume);
            await alice.WaitForConversationAsync();
            await FileRuleTests.ReadUntilAsync(bob, "resume");
            await alice.DisposeAsync();
            (await SessionRuleTests.ReadNextOrEndAsync(bob)).Should().BeNull("no bye and no abort: the connection just ends");
        }
    }

    [Fact]
    public Task Files_ChunksInOrderFromTheAcceptedOffset_ArriveWholeAndVerified() =>
        // Rules (Files, 2–4): "`accept` carries `offset` … and `prefix`"; "if they match `prefix`, the first
        // chunk starts at `offset`"; "Each later chunk starts where the previous one ended"; "Only if it
        // matches does the file get its final name; `verified` tells the sender."
        new FileTransferSessionTests().Transfer_FromAnOffset_ArrivesWholeInOrderAndIsVerified(SecureSession.MaxFileChunkBytes * 3 + 17, SecureSession.MaxFileChunkBytes + 5);

    [Fact]
    public Task Files_PrefixDoesNotMatch_FirstChunkAtZero() =>
        // Rule (Files, 3): "if not, the claim is refused and the first chunk starts at 0, and the receiver
        // discards what it held."
        new FileTransferSessionTests().Resume_PrefixDoesNotMatch_SenderStartsOverAtZero_ReceiverIsToldByTheFirstChunk();

    [Fact]
    public Task Files_RejectDuringTheTransfer_ChunksOnTheirWayDropped() =>
        // Rule (Files): "the receiver with `reject` (chunks already on their way are then dropped by the
        // receiver, not treated as an error)".
        new FileTransferSessionTests().Reject_DuringTheTransfer_ChunksAlreadyOnTheirWayAreDropped_ChatGoesOn();
}
