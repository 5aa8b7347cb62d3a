using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>The file-transfer rules: what no honest peer could send ends the session; what can cross on the wire is tolerated.</summary>
public sealed class TransferLedgerTests
{
    private const int Max = SecureSession.MaxFileChunkBytes;

    [Fact]
    public void OnOffer_OutOfOrderOrNegative_IsAViolation()
    {
        var ledger = new TransferLedger();
        Action skipped = () => ledger.OnOffer(2, 10);
        skipped.Should().Throw<ProtocolViolationException>().WithMessage("*2*1 was next*");
        ledger.OnOffer(1, 10);
        Action again = () => ledger.OnOffer(1, 10);
        again.Should().Throw<ProtocolViolationException>();
        Action negative = () => ledger.OnOffer(2, -1);
        negative.Should().Throw<ProtocolViolationException>();
    }

    [Fact]
    public void OnChunk_BeforeAccept_UnknownFile_GapOrPastTheSize_IsAViolation()
    {
        var ledger = new TransferLedger();
        ledger.OnOffer(1, 100);
        Action early = () => ledger.OnChunk(1, 0, 10, out _);
        early.Should().Throw<ProtocolViolationException>("nothing was accepted");
        Action unknown = () => ledger.OnChunk(7, 0, 10, out _);
        unknown.Should().Throw<ProtocolViolationException>().WithMessage("*never offered*");

        ledger.Accept(1, 40);
        Action elsewhere = () => ledger.OnChunk(1, 20, 10, out _);
        elsewhere.Should().Throw<ProtocolViolationException>("the first chunk starts at the accepted offset or at 0");
        ledger.OnChunk(1, 40, 30, out bool complete).Should().BeTrue();
        complete.Should().BeFalse();
        Action gap = () => ledger.OnChunk(1, 71, 10, out _);
        gap.Should().Throw<ProtocolViolationException>().WithMessage("*70 was next*");
        Action past = () => ledger.OnChunk(1, 70, 31, out _);
        past.Should().Throw<ProtocolViolationException>().WithMessage("*past the 100 bytes*");
        Action empty = () => ledger.OnChunk(1, 70, 0, out _);
        empty.Should().Throw<ProtocolViolationException>("only the last chunk may be empty");
        ledger.OnChunk(1, 70, 30, out complete).Should().BeTrue();
        complete.Should().BeTrue();
    }

    [Fact]
    public void OnChunk_LargerThanAChunk_IsAViolation()
    {
        var ledger = new TransferLedger();
        ledger.OnOffer(1, 10L * Max);
        ledger.Accept(1, 0);
        Action big = () => ledger.OnChunk(1, 0, Max + 1, out _);
        big.Should().Throw<ProtocolViolationException>();
    }

    [Fact]
    public void OnVerified_BeforeTheLastChunk_IsAViolation_AfterOurCancel_IsIgnored()
    {
        var ledger = new TransferLedger();
        ulong a = ledger.Offer(10);
        ledger.OnAccept(a, 0).Should().BeTrue();
        Action early = () => ledger.OnVerified(a);
        early.Should().Throw<ProtocolViolationException>();
        ledger.Chunk(a, 0, 10);
        ledger.OnVerified(a).Should().BeTrue();

        ulong b = ledger.Offer(10);
        ledger.Cancel(b).Should().BeTrue();
        ledger.OnAccept(b, 0).Should().BeFalse("the accept crossed our cancel");
        ledger.OnReject(b).Should().BeFalse();
    }

    [Fact]
    public void OnAccept_Twice_OrClaimingMoreThanTheSize_IsAViolation()
    {
        var ledger = new TransferLedger();
        ulong a = ledger.Offer(10);
        Action more = () => ledger.OnAccept(a, 11);
        more.Should().Throw<ProtocolViolationException>();
        ledger.OnAccept(a, 10).Should().BeTrue();
        Action twice = () => ledger.OnAccept(a, 0);
        twice.Should().Throw<ProtocolViolationException>().WithMessage("*twice*");
    }

    [Fact]
    public void OnChunk_AfterOurReject_IsDropped_NotDelivered()
    {
        var ledger = new TransferLedger();
        ledger.OnOffer(1, 100);
        ledger.Accept(1, 0);
        ledger.OnChunk(1, 0, 10, out _).Should().BeTrue();
        ledger.Reject(1).Should().BeTrue();
        ledger.OnChunk(1, 10, 10, out _).Should().BeFalse();
        ledger.OnCancel(1).Should().BeTrue();
    }
}
