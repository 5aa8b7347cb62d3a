// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
using System.Buffers.Binary;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of captured inputs. An input that holds frames is mutated one frame at a time, and the
/// length prefix is usually fixed up afterwards, so that most mutants get past the framer and reach the
/// JSON, the handshake and the records; some keep the old prefix to exercise the framer itself.
/// </summary>
internal static class Mutator
{
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

    // Bytes that change the structure of JSON or base64, or are not UTF-8.
    private static readonly byte[] Interesting =
    [
        .. "{}[]\":,\\ \t\n\r0123456789-+.eE=/AQZaz_tfnul"u8,
        0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF,
    ];

    // Whole tokens a JSON mutation may drop in.
    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-0", "1", "-1", "1e400", "0.5", "18446744073709551615", "18446744073709551616",
        "9223372036854775808", "2147483648", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[[[[[[1]]]]]]", "\"type\"",
        "\"hello\"", "\"finish\"", "\"record\"", "\"abort\"", "\"kind\"", "\"text\"", "\"bye\"", "\"ping\"", "\"receipt\"",
        "\"seq\"", "\"id\"", "\"through\"", "\"sealed\"", "\"wrapped\"", "\"confirm\"", "\"AA==\"", "\"AB==\"", "\"====\"",
    ];

    /// <summary>A mutant of <paramref name="input"/> (which may be split into frames), using <paramref name="corpus"/> for splices.</summary>
    public static byte[] MutateFrames(Random random, byte[] input, IReadOnlyList<byte[]> corpus)
    {
        List<byte[]> frames = Split(input, out byte[] trailing);
        if (frames.Count == 0 || random.Next(10) == 0)
        {
            return MutateBytes(random, input, corpus);
        }

        int which = random.Next(frames.Count);
        switch (random.Next(12))
        {
            case 0:
                frames.RemoveAt(which);
                break;
            case 1:
                frames.Insert(which, frames[random.Next(frames.Count)]);
                break;
            case 2:
                int other = random.Next(frames.Count);
                (frames[which], frames[other]) = (frames[other], frames[which]);
                break;
            default:
                byte[] payload = frames[which][FrameCodec.HeaderSize..];
                int rounds = 1 + random.Next(random.Next(4) == 0 ? 8 : 2);
                for (int i = 0; i < rounds; i++)
                {
                    payload = random.Next(3) == 0 ? MutateJson(random, payload) : MutateBytes(random, payload, corpus);
                }

                frames[which] = random.Next(8) == 0 && frames[which].Length >= FrameCodec.HeaderSize
                    ? [.. frames[which][..FrameCodec.HeaderSize], .. payload]     // the old prefix: now wrong
                    : Prefix(payload);
                break;
        }

        return [.. frames.SelectMany(f => f), .. trailing];
    }

    /// <summary>A byte-level mutant: flips, replacements, insertions, deletions, duplications, truncations, splices.</summary>
    public static byte[] MutateBytes(Random random, byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var bytes = new List<byte>(input);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            if (bytes.Count == 0)
            {
                bytes.Add(Interesting[random.Next(Interesting.Length)]);
                continue;
            }

            int at = random.Next(bytes.Count);
            switch (random.Next(11))
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
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(8), bytes.Count - at));
                    break;
                case 4:
                    bytes.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 5:
                    int length = Math.Min(1 + random.Next(32), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    break;
                case 6:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 7:
                    int other = random.Next(bytes.Count);
                    (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                    break;
                case 8:
                    // Splice: our head, another input's tail.
                    byte[] donor = corpus[random.Next(corpus.Count)];
                    int from = random.Next(donor.Length + 1);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(donor[from..]);
                    break;
                case 9:
                    // A base64 character for another keeps byte strings decodable, so the checks behind them run.
                    int index = bytes.FindIndex(at, b => Base64Alphabet.Contains((char)b, StringComparison.Ordinal) && b != '=');
                    if (index >= 0)
                    {
                        bytes[index] = (byte)Base64Alphabet[random.Next(64)];
                    }

                    break;
                default:
                    bytes[at] = unchecked((byte)(bytes[at] + random.Next(-2, 3)));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A token-level mutant of JSON: a value replaced, a member dropped or repeated, whitespace added.</summary>
    public static byte[] MutateJson(Random random, byte[] json)
    {
        var text = new List<byte>(json);
        List<int> boundaries = Enumerable.Range(0, text.Count).Where(i => text[i] is (byte)',' or (byte)':' or (byte)'{' or (byte)'[' or (byte)'}' or (byte)']').ToList();
        if (boundaries.Count == 0)
        {
            return json;
        }

        int at = boundaries[random.Next(boundaries.Count)];
        switch (random.Next(5))
        {
            case 0:
                // Replace the value after a ':' or ',' with a token.
                int end = text.FindIndex(at + 1, b => b is (byte)',' or (byte)'}' or (byte)']');
                if (end > at)
                {
                    text.RemoveRange(at + 1, end - at - 1);
                    text.InsertRange(at + 1, System.Text.Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                }

                break;
            case 1:
                text.Insert(at + 1, (byte)" \t\r\n"[random.Next(4)]);
                break;
            case 2:
                // Drop from one boundary to the next (a member, usually).
                int next = boundaries.FirstOrDefault(b => b > at, -1);
                if (next > at)
                {
                    text.RemoveRange(at, next - at);
                }

                break;
            case 3:
                // Repeat a stretch between two boundaries (a member given twice, usually).
                int following = boundaries.FirstOrDefault(b => b > at, -1);
                if (following > at)
                {
                    text.InsertRange(following, text.GetRange(at, following - at));
                }

                break;
            default:
                text.InsertRange(at + 1, System.Text.Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)] + ","));
                break;
        }

        return [.. text];
    }

    /// <summary>Splits whole frames off the front of <paramref name="input"/> (trusting no limit); the rest is <paramref name="trailing"/>.</summary>
    public static List<byte[]> Split(byte[] input, out byte[] trailing)
    {
        var frames = new List<byte[]>();
        int offset = 0;
        while (input.Length - offset >= FrameCodec.HeaderSize)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(offset));
            if (length == 0 || length > (uint)(input.Length - offset - FrameCodec.HeaderSize))
            {
                break;
            }

            frames.Add(input[offset..(offset + FrameCodec.HeaderSize + (int)length)]);
            offset += FrameCodec.HeaderSize + (int)length;
        }

        trailing = input[offset..];
        return frames;
    }

    private static byte[] Prefix(byte[] payload) => payload.Length == 0 ? [0, 0, 0, 0] : FrameCodec.Encode(payload);
}
