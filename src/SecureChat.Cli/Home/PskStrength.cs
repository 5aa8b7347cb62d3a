// How much a configured pre-shared key could resist guessing. A fake responder can test guesses offline
// against one frame 4 from an initiator that expects nobody in particular (docs/protocol.md, "What a PSK
// protects"), so a PSK must be as strong as a key: at least 128 bits. This is a cautious estimate, not a
// measurement: text is valued by the kinds of characters it uses, and a passphrase of words by its words
// (11 bits each, as if drawn from a 2048-word list), so "correct horse battery staple" counts 44 bits.
using System.Text;

namespace SecureChat.Cli.Home;

/// <summary>Estimates the entropy of a pre-shared key and makes good ones.</summary>
public static class PskStrength
{
    /// <summary>The least a PSK may plausibly hold.</summary>
    public const int MinimumBits = 128;

    /// <summary>The shortest PSK accepted, in bytes.</summary>
    public const int MinimumBytes = 16;

    /// <summary>The bytes in a PSK that <see cref="Generate"/> makes (256 bits).</summary>
    public const int GeneratedBytes = 32;

    private const double BitsPerWord = 11;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A fresh 256-bit PSK as 64 lowercase hex digits: one word to copy, the same bytes on every system.</summary>
    public static string Generate() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(GeneratedBytes));

    /// <summary>Whether <paramref name="psk"/> is long and varied enough.</summary>
    public static bool IsStrong(ReadOnlySpan<byte> psk) => psk.Length >= MinimumBytes && EstimateBits(psk) >= MinimumBits;

    /// <summary>A cautious estimate of the bits an attacker must guess.</summary>
    public static double EstimateBits(ReadOnlySpan<byte> psk)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(psk);
        }
        catch (DecoderFallbackException)
        {
            return psk.Length * 8.0; // not text: bytes from a generator
        }

        if (text.Any(char.IsControl))
        {
            return psk.Length * 8.0;
        }

        // Repeats add little: a character counts only as often as four times the number of distinct ones.
        int counted = Math.Min(text.Length, text.Distinct().Count() * 4);
        if (text.All(char.IsAsciiHexDigit))
        {
            return counted * 4.0;
        }

        if (text.All(c => char.IsLetter(c) || c is ' ' or '-' or '_' or '.' or ','))
        {
            // Words, with or without separators: value each word, a run of letters counting one word per 6.
            string[] words = text.Split([' ', '-', '_', '.', ','], StringSplitOptions.RemoveEmptyEntries);
            double count = Math.Max(words.Length, text.Count(char.IsLetter) / 6.0);
            return count * BitsPerWord;
        }

        int pool = (text.Any(char.IsAsciiLetterLower) ? 26 : 0) + (text.Any(char.IsAsciiLetterUpper) ? 26 : 0)
            + (text.Any(char.IsAsciiDigit) ? 10 : 0) + (text.Any(c => c < 128 && !char.IsAsciiLetterOrDigit(c)) ? 33 : 0)
            + (text.Any(c => c >= 128) ? 100 : 0);
        return counted * Math.Log2(Math.Max(pool, 2));
    }
}
