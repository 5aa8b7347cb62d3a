using System.Buffers.Binary;
using CsCheck;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Tests.Shared;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>
/// Properties of the stream reader over any bytes, cut into any pieces: it returns the frames the bytes
/// hold, then the end; or it fails with one of the documented failures (a violation for a bad prefix, a
/// lost connection for a stream that ends mid-frame, a timeout for one that stalls mid-frame). What one
/// read allocates is bounded by the frame it returns, never by a length it refused.
/// </summary>
public sealed class FrameReaderProperties
{
    /// <summary>What one frame read may allocate besides the frame itself: its timeout and a few small objects.</summary>
    private const long ReadOverhead = 4 * 1024;

    /// <summary>
    /// What each read from the stream may add: in the Debug build the tests run, the compiler makes async
    /// state machines classes, so even a read that completes at once allocates one (about 96 bytes; none in
    /// Release). Churn that grows with how finely the peer cuts its bytes, never retained.
    /// </summary>
    private const long PerStreamRead = 256;

    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(30);

    /// <summary>How a stream cuts its bytes: each read gives at most the next of these (the last repeats).</summary>
    private static readonly Gen<int[]> Chunks = Gen.Int[1, 700].Array[1, 8];

    private static readonly Gen<byte[][]> Payloads = Gen.Frequency(
        (4, Gen.Byte.Array[1, 300]),
        (1, Gen.Byte.Array[1, 5000])).Array[0, 6];

    [Fact]
    public void ReadFrameAsync_ValidFramesCutAnywhere_ArriveWholeInOrderThenTheEnd()
    {
        Gen.Select(Payloads, Chunks).Sample((payloads, chunks) =>
        {
            byte[] wire = [.. payloads.SelectMany(p => FrameCodec.Encode(p))];
            var reader = new FrameReader(new ChunkedReadStream(wire, chunks));

            foreach (byte[] payload in payloads)
            {
                Frame? frame = Read(reader, 8192);
                frame.Should().NotBeNull();
                frame!.Value.Payload.ToArray().Should().Equal(payload);
            }

            Read(reader, 8192).Should().BeNull("the stream ended cleanly between frames");
        }, iter: PropertyRuns.Iterations(1_000));
    }

    [Fact]
    public void ReadFrameAsync_AnyBytesCutAnywhere_GiveFramesOrOnlyADocumentedFailure()
    {
        Gen.Select(FrameCodecProperties.WireBytes.Array[1, 4].Select(parts => parts.SelectMany(p => p).ToArray()), Chunks, FrameCodecProperties.Limit)
            .Sample((wire, chunks, limit) =>
            {
                var stream = new CountingReadStream(new ChunkedReadStream(wire, chunks));
                var reader = new FrameReader(stream);
                int offset = 0;
                while (true)
                {
                    Outcome expected = Model(wire, offset, limit);
                    Frame? frame = null;
                    Exception? failure = null;
                    int readsBefore = stream.Reads;
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        frame = Read(reader, limit);
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }

                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before - ((stream.Reads - readsBefore) * PerStreamRead);
                    switch (expected.Kind)
                    {
                        case OutcomeKind.End:
                            failure.Should().BeNull();
                            frame.Should().BeNull();
                            return;
                        case OutcomeKind.Violation:
                            failure.Should().BeOfType<ProtocolViolationException>();
                            allocated.Should().BeLessThan(FrameCodecProperties.ViolationAllocationBound + ReadOverhead, "a refused length is never allocated");
                            return;
                        case OutcomeKind.Lost:
                            failure.Should().BeOfType<ConnectionLostException>();
                            allocated.Should().BeLessThanOrEqualTo(expected.Length + ReadOverhead + FrameCodecProperties.ViolationAllocationBound);
                            return;
                        default:
                            failure.Should().BeNull();
                            frame.Should().NotBeNull();
                            frame!.Value.Wire.ToArray().Should().Equal(wire.AsSpan(offset, (int)expected.Length).ToArray());
                            allocated.Should().BeLessThanOrEqualTo(expected.Length + ReadOverhead, "a read allocates its frame and little else");
                            offset += (int)expected.Length;
                            break;
                    }
                }
            }, iter: PropertyRuns.Iterations(3_000), threads: 1);
    }

    [Fact]
    public async Task ReadFrameAsync_StreamStallsMidFrame_TimesOutAndStallingBetweenFramesWaits()
    {
        await Gen.Select(Gen.Byte.Array[1, 40], Gen.Int[1, 200]).SampleAsync(async (payload, cut) =>
        {
            byte[] wire = FrameCodec.Encode(payload);
            int sent = Math.Min(cut, wire.Length);
            var reader = new FrameReader(new StallingReadStream(wire[..sent]));
            using var caller = new CancellationTokenSource(Patient);

            if (sent == wire.Length)
            {
                // A whole frame, then silence: the frame arrives and the next read waits for the caller.
                (await reader.ReadFrameAsync(4096, TimeSpan.FromMilliseconds(20), caller.Token)).Should().NotBeNull();
                using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(40));
                Func<Task> next = async () => await reader.ReadFrameAsync(4096, TimeSpan.FromMilliseconds(20), soon.Token);
                await next.Should().ThrowAsync<OperationCanceledException>("silence between frames is the caller's to bound");
            }
            else
            {
                Func<Task> read = async () => await reader.ReadFrameAsync(4096, TimeSpan.FromMilliseconds(20), caller.Token);
                await read.Should().ThrowAsync<SessionTimeoutException>($"{sent} of {wire.Length} bytes arrived and then nothing");
            }
        }, iter: PropertyRuns.Iterations(16), threads: 1);
    }

    private static Frame? Read(FrameReader reader, int limit)
    {
        // The test streams complete synchronously, so the whole read runs on this thread (and is measured on it).
        ValueTask<Frame?> read = reader.ReadFrameAsync(limit, Patient, CancellationToken.None);
        if (!read.IsCompleted)
        {
            throw new InvalidOperationException("The test stream had every byte ready; the read should not have waited.");
        }

        return read.GetAwaiter().GetResult();
    }

    /// <summary>What reading at <paramref name="offset"/> must give, by docs/protocol.md.</summary>
    private static Outcome Model(byte[] wire, int offset, int limit)
    {
        int left = wire.Length - offset;
        if (left == 0)
        {
            return new Outcome(OutcomeKind.End, 0);
        }

        if (left < FrameCodec.HeaderSize)
        {
            return new Outcome(OutcomeKind.Lost, 0);
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(offset));
        if (length == 0 || length > (uint)limit)
        {
            return new Outcome(OutcomeKind.Violation, 0);
        }

        return left - FrameCodec.HeaderSize < length
            ? new Outcome(OutcomeKind.Lost, FrameCodec.HeaderSize + (long)length)
            : new Outcome(OutcomeKind.Frame, FrameCodec.HeaderSize + (long)length);
    }

    private enum OutcomeKind
    {
        Frame,
        End,
        Lost,
        Violation,
    }

    /// <summary>What a read gives; <paramref name="Length"/> is the frame's size (or, when lost, the size it announced).</summary>
    private sealed record Outcome(OutcomeKind Kind, long Length);

    /// <summary>Counts the reads made of the stream it wraps.</summary>
    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            return inner.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
