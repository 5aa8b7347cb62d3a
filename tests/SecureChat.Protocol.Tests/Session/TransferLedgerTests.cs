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
        ledger.OnAccept(a, 9).Should().BeTrue();
        Action twice = () => ledger.OnAccept(a, 0);
        twice.Should().Throw<ProtocolViolationException>().WithMessage("*twice*");
    }

    [Fact]
    public void OnAccept_OffsetEqualToTheSize_IsAViolation_Issue15()
    {
        // Issue 15, item 6: accept(offset = size, prefix = the offer's own sha256) proved nothing, yet the
        // sender sent an empty last chunk and heard "verified" for a file that never travelled.
        var ledger = new TransferLedger();
        ulong a = ledger.Offer(10);
        Action whole = () => ledger.OnAccept(a, 10);
        whole.Should().Throw<ProtocolViolationException>().WithMessage("*less than the whole file*");

        ulong empty = ledger.Offer(0);
        ledger.OnAccept(empty, 0).Should().BeTrue("a file of 0 bytes is accepted at 0, and its empty last chunk still travels");
    }

    [Fact]
    public void Accept_OurOwnOffsetEqualToTheSize_IsRefused_Issue15()
    {
        var ledger = new TransferLedger();
        ledger.OnOffer(1, 10);
        Action whole = () => ledger.Accept(1, 10);
        whole.Should().Throw<ArgumentOutOfRangeException>();
        ledger.Accept(1, 9);
    }

    [Fact]
    public void RefusedOffers_ThirtyThousand_NothingIsKept_LateAnswersStillTolerated_Issue15()
    {
        // Issue 15, item 5: every refused offer was kept. Counted, not timed: the ledger holds open transfers only.
        var ledger = new TransferLedger();
        for (ulong file = 1; file <= 30_000; file++)
        {
            ledger.OnOffer(file, 1000);
            ledger.Reject(file).Should().BeTrue();
            ledger.Retained.Should().Be(0);
        }

        ledger.OnCancel(17).Should().BeFalse("a cancel crossing our reject is ignored, as before");
        Action chunk = () => ledger.OnChunk(17, 0, 10, out _);
        chunk.Should().Throw<ProtocolViolationException>("a refused transfer still takes no chunk");
        Action unknown = () => ledger.OnCancel(30_001);
        unknown.Should().Throw<ProtocolViolationException>().WithMessage("*never offered*");

        ulong ours = ledger.Offer(10);
        ledger.Cancel(ours).Should().BeTrue();
        ledger.Retained.Should().Be(0);
        ledger.OnAccept(ours, 0).Should().BeFalse("the accept crossed our cancel");
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

/// <summary>
/// Random peers: any sequence of the peer's file messages either passes the ledger or is a protocol
/// violation (never another exception), and what passes is always a contiguous run of bytes within the
/// offered size, so the application can write chunks without checking them again.
/// </summary>
public sealed class TransferLedgerRandomPeerTests
{
    [Fact]
    public void RandomPeerMessages_OnlyViolations_AndDeliveredBytesStayContiguousWithinTheSize()
    {
        var random = new Random(20261123);
        int violations = 0;
        int delivered = 0;
        for (int run = 0; run < 1000; run++)
        {
            var ledger = new TransferLedger();
            var sizes = new Dictionary<ulong, long>();
            var next = new Dictionary<ulong, long>();
            ulong offered = 0;
            for (int step = 0; step < 80; step++)
            {
                ulong file = (ulong)random.Next(0, (int)offered + 3);
                long offset = random.Next(4) == 0 ? random.NextInt64(-5, 300_000) : next.GetValueOrDefault(file, 0);
                long left = Math.Max(0, sizes.GetValueOrDefault(file, 0) - offset);
                int length = random.Next(4) == 0 ? random.Next(-1, 70_000) : (int)Math.Min(left, random.Next(1, SecureSession.MaxFileChunkBytes + 1));
                try
                {
                    switch (random.Next(7))
                    {
                        case 0:
                            long size = random.Next(3) == 0 ? random.NextInt64(-2, 10) : random.NextInt64(0, 200_000);
                            ledger.OnOffer(offered + 1 - (ulong)random.Next(0, 2), size);
                            offered++;
                            sizes[offered] = size;
                            break;
                        case 1 when sizes.ContainsKey(file):
                            long accepted = random.NextInt64(0, sizes[file] + 1);
                            ledger.Accept(file, accepted);
                            break;
                        case 2:
                            if (ledger.OnChunk(file, offset, length, out bool complete))
                            {
                                delivered++;
                                long expected = next.GetValueOrDefault(file, -1);
                                (expected < 0 || offset == expected || offset == 0).Should().BeTrue("a delivered chunk continues the file or starts it over");
                                (offset + length).Should().BeLessThanOrEqualTo(sizes[file]);
                                next[file] = offset + length;
                                complete.Should().Be(offset + length == sizes[file]);
                            }

                            break;
                        case 3:
                            ledger.OnCancel(file);
                            break;
                        case 4:
                            ledger.Reject(file);
                            break;
                        case 5:
                            ledger.OnAccept(file, offset);
                            break;
                        default:
                            ledger.OnVerified(file);
                            break;
                    }
                }
                catch (ProtocolViolationException)
                {
                    violations++;
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
                {
                    // Our own calls out of turn (accept or reject of a transfer in the wrong state): the app's bug, not the peer's.
                }
            }
        }

        violations.Should().BeGreaterThan(1000, "the random peer breaks the rules often");
        delivered.Should().BeGreaterThan(100, "and follows them often enough to deliver chunks");
    }
}
