using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>
/// Mutates valid frames with a fixed seed, so a failure reproduces: whatever the peer sends, the framing
/// layer either accepts it or throws <see cref="ProtocolViolationException"/>, never anything else.
/// </summary>
public sealed class FrameJsonFuzzTests
{
    private const int Iterations = 4000;
    private const int Seed = 0x5EC0_C4A7;

    private static readonly byte[][] Originals =
    [
        FrameJson.Encode(new RecordFrame(7, [0x00, 0x01, 0x02, 0xFB, 0xFF]), ProtocolJsonContext.Default.RecordFrame),
        FrameJson.Encode(
            new InitiatorHello(2, [SuiteNames.AesCbcHmacSha256, SuiteNames.AesCbcBlake2b256], new byte[32], new byte[65], new byte[1184], [0x30, 0x82], "alice"),
            ProtocolJsonContext.Default.InitiatorHello),
        FrameJson.Encode(new ResponderFinish(new byte[32]), ProtocolJsonContext.Default.ResponderFinish),
        FrameJson.Encode(new InnerMessage(InnerMessage.TextKind, 1, 1_700_000_000_000, "héllo", null), ProtocolJsonContext.Default.InnerMessage),
        FrameJson.EncodeAbort(AbortReason.Busy),
    ];

    // Bytes that change the structure of JSON or of base64, and bytes that are not UTF-8.
    private static readonly byte[] Interesting =
    [
        .. "{}[]\":,\\ \t\n0123456789-+.eE=/+AQZaz_tfnul"u8,
        0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF,
    ];

    [Fact]
    public void Parse_MutatedFrames_OnlyEverSucceedOrThrowProtocolViolation()
    {
        var outcomes = new Outcomes();

        Fuzz(payload =>
        {
            outcomes.Run(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.RecordFrame));
            outcomes.Run(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.InitiatorHello));
            outcomes.Run(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.ResponderFinish));
            outcomes.Run(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.InnerMessage));
            outcomes.Run(payload, p => FrameJson.ParseAbort(p));
        }, outcomes);

        outcomes.Failures.Should().BeEmpty();
    }

    [Fact]
    public void ReadType_MutatedFrames_OnlyEverSucceedOrThrowProtocolViolation()
    {
        var outcomes = new Outcomes();

        Fuzz(payload => outcomes.Run(payload, p => FrameJson.ReadType(p)), outcomes);

        outcomes.Failures.Should().BeEmpty();
    }

    [Fact]
    public void HasNumberOtherThan_MutatedFrames_NeverThrow()
    {
        var outcomes = new Outcomes();

        Fuzz(payload => outcomes.Run(payload, p => FrameJson.HasNumberOtherThan(p, "version", 1) ? true : throw new ProtocolViolationException("same or absent")), outcomes);

        outcomes.Failures.Should().BeEmpty();
    }

    /// <summary>Hands <paramref name="check"/> the payload of every mutated frame that the codec accepts.</summary>
    private static void Fuzz(Action<byte[]> check, Outcomes outcomes)
    {
        var codec = new Outcomes();
        int complete = 0;
        var random = new Random(Seed);
        for (int i = 0; i < Iterations; i++)
        {
            byte[] original = Originals[random.Next(Originals.Length)];
            byte[] wire;
            if (random.Next(8) == 0)
            {
                // Now and then the length prefix too.
                wire = Mutate(random, original);
            }
            else
            {
                byte[] payload = Mutate(random, original[FrameCodec.HeaderSize..]);
                wire = payload.Length == 0 ? [0, 0, 0, 0] : FrameCodec.Encode(payload);
            }

            if (codec.Run(wire, w => FrameCodec.TryReadFrame(w, FrameCodec.DefaultMaxHandshakePayload, out int length) ? length : 0) is int frameLength and > 0)
            {
                complete++;
                check(wire[FrameCodec.HeaderSize..frameLength]);
            }
        }

        codec.Failures.Should().BeEmpty();
        complete.Should().BeGreaterThan(Iterations / 2, "most mutated frames reach the JSON layer");
        outcomes.Accepted.Should().BePositive("some mutations leave a frame valid, so the accepting path was exercised");
        outcomes.Refused.Should().BePositive();
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(4), bytes.Count - at));
                    break;
                case 4:
                    bytes.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 5:
                    int length = Math.Min(1 + random.Next(16), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    break;
                case 6:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    int other = random.Next(bytes.Count);
                    (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed class Outcomes
    {
        private readonly List<string> _failures = [];

        public IReadOnlyList<string> Failures => _failures;

        public int Accepted { get; private set; }

        public int Refused { get; private set; }

        /// <summary>Runs <paramref name="action"/>: its result, or null when it refused the input or failed.</summary>
        public object? Run<T>(byte[] input, Func<byte[], T> action)
        {
            try
            {
                T result = action(input);
                Accepted++;
                return result;
            }
            catch (ProtocolViolationException)
            {
                Refused++;
                return null;
            }
#pragma warning disable CA1031 // Any other exception is what the test is looking for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (_failures.Count < 10)
                {
                    _failures.Add($"{e.GetType().Name} ({e.Message}) on {Convert.ToHexString(input)}");
                }

                return null;
            }
        }
    }
}
