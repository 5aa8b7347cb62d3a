using System.Buffers.Binary;
using CsCheck;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Tests.Shared;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>
/// Properties of the pure frame codec over any bytes and any limit: the answer is a whole frame, "need
/// more", or a <see cref="ProtocolViolationException"/> (never another exception), exactly as a reference
/// model of docs/protocol.md says; and deciding it allocates nothing, whatever length the prefix announces.
/// </summary>
public sealed class FrameCodecProperties
{
    /// <summary>A violation allocates its exception and message, nothing that grows with the announced length.</summary>
    internal const long ViolationAllocationBound = 64 * 1024;

    private static readonly int[] Limits = [1, 4096, FrameCodec.DefaultMaxHandshakePayload, FrameCodec.DefaultMaxSessionPayload, int.MaxValue];

    /// <summary>
    /// Bytes that look like frames as often as not: noise, a small announced length with a payload that is
    /// short, whole or followed by more, and any 32-bit length at all (up to 4 GiB).
    /// </summary>
    internal static readonly Gen<byte[]> WireBytes = Gen.Frequency(
        (1, Gen.Byte.Array[0, 12]),
        (3, Gen.Select(Gen.Int[0, 300], Gen.Byte.Array[0, 330]).Select((length, rest) => Prefixed((uint)length, rest))),
        (2, Gen.Select(Gen.UInt, Gen.Byte.Array[0, 16]).Select((length, rest) => Prefixed(length, rest))));

    internal static readonly Gen<int> Limit = Gen.Frequency(
        (3, Gen.Int[0, Limits.Length - 1].Select(i => Limits[i])),
        (1, Gen.Int[1, int.MaxValue]));

    [Fact]
    public void TryReadFrame_AnyBytesAndLimit_MatchesTheModelAndThrowsNothingElse()
    {
        Gen.Select(WireBytes, Limit).Sample((wire, limit) =>
        {
            Expected expected = Model(wire, limit);
            int frameLength = -1;
            bool complete = false;
            Exception? failure = null;
            try
            {
                complete = FrameCodec.TryReadFrame(wire, limit, out frameLength);
            }
            catch (Exception e)
            {
                failure = e;
            }

            switch (expected)
            {
                case Expected.Violation:
                    failure.Should().BeOfType<ProtocolViolationException>();
                    break;
                case Expected.NeedMore:
                    failure.Should().BeNull();
                    complete.Should().BeFalse();
                    frameLength.Should().Be(0);
                    break;
                default:
                    failure.Should().BeNull();
                    complete.Should().BeTrue();
                    frameLength.Should().Be(FrameCodec.HeaderSize + (int)BinaryPrimitives.ReadUInt32BigEndian(wire));
                    break;
            }
        }, iter: PropertyRuns.Iterations(20_000));
    }

    [Fact]
    public void TryReadFrame_AnyBytesAndLimit_AllocatesNothingAndAViolationOnlyItsException()
    {
        Gen.Select(WireBytes, Limit).Sample((wire, limit) =>
        {
            Warm(wire, limit);
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool violated = false;
            try
            {
                FrameCodec.TryReadFrame(wire, limit, out _);
            }
            catch (ProtocolViolationException)
            {
                violated = true;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (violated)
            {
                allocated.Should().BeLessThan(ViolationAllocationBound, "a refused prefix costs its exception, not the announced length");
            }
            else
            {
                allocated.Should().Be(0, "finding a frame in bytes already received allocates nothing");
            }
        }, iter: PropertyRuns.Iterations(5_000), threads: 1);
    }

    [Fact]
    public void Encode_AnyPayload_ReadsBackAsOneFrameOfExactlyThatPayload()
    {
        Gen.Byte.Array[1, 2048].Sample(payload =>
        {
            byte[] wire = FrameCodec.Encode(payload);

            FrameCodec.TryReadFrame(wire, payload.Length, out int length).Should().BeTrue();
            length.Should().Be(wire.Length);
            new Frame(wire).Payload.ToArray().Should().Equal(payload);
            FrameCodec.TryReadFrame(wire.AsSpan(0, wire.Length - 1), payload.Length, out _).Should().BeFalse("one byte short needs more");
        }, iter: PropertyRuns.Iterations(2_000));
    }

    internal static byte[] Prefixed(uint length, byte[] rest)
    {
        byte[] wire = new byte[FrameCodec.HeaderSize + rest.Length];
        BinaryPrimitives.WriteUInt32BigEndian(wire, length);
        rest.CopyTo(wire, FrameCodec.HeaderSize);
        return wire;
    }

    /// <summary>docs/protocol.md, "Framing", as a function of the bytes received so far.</summary>
    private static Expected Model(byte[] wire, int limit)
    {
        if (wire.Length < FrameCodec.HeaderSize)
        {
            return Expected.NeedMore;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(wire);
        if (length == 0 || length > (uint)limit)
        {
            return Expected.Violation;
        }

        return wire.Length - FrameCodec.HeaderSize < length ? Expected.NeedMore : Expected.Frame;
    }

    /// <summary>Runs the same call once first, so that JIT and first-call costs are not counted.</summary>
    private static void Warm(byte[] wire, int limit)
    {
        try
        {
            FrameCodec.TryReadFrame(wire, limit, out _);
        }
        catch (ProtocolViolationException)
        {
            // Measured next.
        }
    }

    private enum Expected
    {
        NeedMore,
        Frame,
        Violation,
    }
}
