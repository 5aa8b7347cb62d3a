using System.Diagnostics;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Tests.Handshake;

/// <summary>Transcript binding: no byte of any handshake frame can be changed without the handshake failing.</summary>
public sealed class HandshakeTamperingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Run_EveryByteOfFrameFlipped_InitiatorNeverCompletes(int frameNumber)
    {
        var honest = new HandshakeRun();
        honest.Run().Dispose();
        int length = honest.Sent[frameNumber - 1].Length;
        var failures = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();

        Parallel.For(0, length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, position =>
        {
            var run = new HandshakeRun
            {
                OnTheWire = (n, frame) =>
                {
                    if (n == frameNumber && position < frame.Length)
                    {
                        frame[position] ^= 0x01;
                    }

                    return frame;
                },
            };
            using HandshakeRun.Outcome outcome = run.Run();

            outcome.Initiator.Should().BeNull($"flipping byte {position} of frame {frameNumber} must not go unnoticed");
            outcome.Failure.Should().BeAssignableTo<SessionException>($"byte {position} of frame {frameNumber} fails with a session error");
            lock (failures)
            {
                string key = $"{outcome.FailedSide} {outcome.Failure!.GetType().Name}";
                failures[key] = failures.GetValueOrDefault(key) + 1;
            }
        });

        output.WriteLine($"frame {frameNumber}: {length} bytes flipped in {stopwatch.ElapsedMilliseconds} ms");
        foreach ((string kind, int count) in failures.OrderBy(p => p.Key))
        {
            output.WriteLine($"  {count,5} rejected by the {kind}");
        }
    }
}
