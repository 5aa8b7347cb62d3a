namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>
/// Systematic changes of the captured frames, every case counted: every single-bit flip of every record,
/// every truncation of both streams, and single-bit flips of handshake frames 1, 3 and 4 fed to the replayed
/// responder (one bit of every byte by default, every bit with <c>SECURECHAT_FUZZ_EXHAUSTIVE=1</c>).
/// </summary>
public sealed class CapturedFrameTamperingTests(CapturedConversationFixture fixture, ITestOutputHelper output) : IClassFixture<CapturedConversationFixture>
{
    public const string ExhaustiveVariable = "SECURECHAT_FUZZ_EXHAUSTIVE";

    [Fact]
    public void Records_EverySingleBitFlipOfEveryCapturedRecord_IsRejected()
    {
        CapturedConversation capture = fixture.Capture;
        List<byte[]> records = [.. capture.InitiatorRecords, .. capture.ResponderRecords];
        var outcomes = new Dictionary<string, int>();
        int cases = 0;

        Parallel.ForEach(records, record =>
        {
            for (int bit = 0; bit < record.Length * 8; bit++)
            {
                byte[] flipped = record.ToArray();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                string outcome = fixture.Targets.Frames(flipped);
                lock (outcomes)
                {
                    cases++;
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            }
        });

        Report($"every single-bit flip of {records.Count} captured records", cases, outcomes);
        outcomes.Should().NotContainKey(FuzzTargets.Accepted);
        cases.Should().Be(records.Sum(r => r.Length * 8));
    }

    [Fact]
    public void Streams_EveryTruncation_IsALostConnectionOrEndsBetweenFrames()
    {
        CapturedConversation capture = fixture.Capture;
        var outcomes = new Dictionary<string, int>();
        int cases = 0;
        foreach (List<byte[]> direction in new[] { capture.ToResponder, capture.ToInitiator })
        {
            byte[] stream = [.. direction.SelectMany(f => f)];
            HashSet<int> boundaries = [.. direction.Select((_, i) => direction.Take(i + 1).Sum(f => f.Length))];
            for (int length = 0; length < stream.Length; length++)
            {
                string outcome = fixture.Targets.Frames(stream[..length]);
                cases++;
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (length == 0 || boundaries.Contains(length))
                {
                    new[] { "ConnectionLostException", "ProtocolViolationException" }.Should().NotContain(outcome, $"cut after {length} bytes, between frames, the stream simply ends");
                }
                else
                {
                    outcome.Should().Be("ConnectionLostException", $"cut after {length} bytes, inside a frame");
                }
            }
        }

        Report("every truncation of both captured streams", cases, outcomes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Responder_SingleBitFlipsOfHandshakeFrame_NeverComplete(int frameNumber)
    {
        CapturedConversation capture = fixture.Capture;
        byte[] frame = frameNumber switch
        {
            1 => capture.Frame1,
            3 => capture.Frame3,
            _ => capture.Frame4,
        };
        bool exhaustive = Environment.GetEnvironmentVariable(ExhaustiveVariable) == "1";
        IEnumerable<int> bits = exhaustive
            ? Enumerable.Range(0, frame.Length * 8)
            : Enumerable.Range(0, frame.Length).Select(b => (b * 8) + (b % 8)); // one bit of every byte, each bit position in turn
        var outcomes = new Dictionary<string, int>();
        int cases = 0;

        Parallel.ForEach(bits, bit =>
        {
            byte[] flipped = frame.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            byte[] input = frameNumber switch
            {
                1 => [.. flipped, .. capture.Frame3, .. capture.Frame4],
                3 => [.. capture.Frame1, .. flipped, .. capture.Frame4],
                _ => [.. capture.Frame1, .. capture.Frame3, .. flipped],
            };
            string outcome = fixture.Targets.Responder(input);
            lock (outcomes)
            {
                cases++;
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        });

        Report($"{(exhaustive ? "every single-bit flip" : "one bit of every byte")} of frame {frameNumber} ({frame.Length} bytes), fed to the responder", cases, outcomes);
        outcomes.Should().NotContainKey(FuzzTargets.Accepted);
    }

    private void Report(string what, int cases, Dictionary<string, int> outcomes)
    {
        output.WriteLine($"{what}: {cases} cases, {cases - outcomes.GetValueOrDefault(FuzzTargets.Accepted)} rejected");
        foreach ((string outcome, int count) in outcomes.OrderByDescending(p => p.Value))
        {
            output.WriteLine($"  {count,7}  {outcome}");
        }
    }
}
