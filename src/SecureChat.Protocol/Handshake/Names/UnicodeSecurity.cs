// Unicode TR39 ("Unicode Security Mechanisms") over the Unicode 16.0 tables in UnicodeSecurityData.g.cs,
// which tools/unicode/generate.py makes from ../shared/unicode. The tables are pinned here, not taken from
// the runtime, so two peers decide the same way whatever Unicode version their platforms carry:
//   §3.1  identifier status: only Identifier_Status=Allowed code points;
//   §5.2  restriction level "moderately restrictive", over resolved augmented Script_Extensions sets;
//   §4    the confusable skeleton: NFD, map each code point through confusables.txt, NFD again.
// NFD is computed from the table too: .NET's invariant-globalization mode leaves strings unnormalized.
using System.Buffers;
using System.Globalization;
using System.Text;

namespace SecureChat.Protocol.Handshake.Names;

/// <summary>The TR39 checks a display name goes through, and the skeleton names are compared by.</summary>
internal static class UnicodeSecurity
{
    private const int HangulBase = 0xAC00;
    private const int HangulCount = 11172;
    private static readonly UInt128 AllScripts = UInt128.MaxValue;
    private static readonly UInt128 Latin = Bit("Latn");
    private static readonly UInt128 HighlyRestrictiveMarks = Bit("Hanb") | Bit("Jpan") | Bit("Kore");
    private static readonly UInt128 NeverWithLatin = Bit("Cyrl") | Bit("Grek") | Bit("Cher");

    /// <summary>Whether <paramref name="codePoint"/> has Identifier_Status=Allowed.</summary>
    public static bool IsAllowed(int codePoint) => InRanges(UnicodeSecurityData.Allowed, codePoint);

    /// <summary>Whether <paramref name="codePoint"/> has Identifier_Type=Default_Ignorable (invisible, or a bidi or other format control).</summary>
    public static bool IsDefaultIgnorable(int codePoint) => InRanges(UnicodeSecurityData.DefaultIgnorable, codePoint);

    /// <summary>
    /// Null when the Allowed code points <paramref name="codePoints"/> stay within TR39's moderately restrictive
    /// level (one script; or Latin with Han and Hiragana/Katakana, Bopomofo or Hangul; or Latin with one other
    /// script but Cyrillic, Greek or Cherokee); otherwise the scripts mixed, for the message.
    /// </summary>
    public static string? MixedScripts(IReadOnlyList<int> codePoints)
    {
        UInt128 resolved = AllScripts;
        UInt128 withoutLatin = AllScripts;
        foreach (int codePoint in codePoints)
        {
            UInt128 scripts = ScriptSet(codePoint);
            resolved &= scripts;
            if ((scripts & Latin) == 0)
            {
                withoutLatin &= scripts;
            }
        }

        if (resolved != 0 || (withoutLatin & HighlyRestrictiveMarks) != 0 || (withoutLatin != 0 && (withoutLatin & NeverWithLatin) == 0))
        {
            return null;
        }

        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (int codePoint in codePoints)
        {
            UInt128 scripts = ScriptSet(codePoint);
            if (scripts != AllScripts)
            {
                named.Add(UnicodeSecurityData.ScriptCodes[LowestBit(scripts)]);
            }
        }

        return string.Join(" and ", named);
    }

    /// <summary>The TR39 skeleton: names with the same skeleton look alike ("bob", "bоb", "b\u00F6b" decomposed and not).</summary>
    public static string Skeleton(string text)
    {
        var mapped = new StringBuilder(text.Length);
        foreach (int codePoint in Nfd(text))
        {
            if (Lookup(UnicodeSecurityData.ConfusableKeys, UnicodeSecurityData.ConfusableOffsets, UnicodeSecurityData.ConfusableText, codePoint) is { } target)
            {
                mapped.Append(target);
            }
            else
            {
                mapped.Append(char.ConvertFromUtf32(codePoint));
            }
        }

        var skeleton = new StringBuilder(mapped.Length);
        foreach (int codePoint in Nfd(mapped.ToString()))
        {
            skeleton.Append(char.ConvertFromUtf32(codePoint));
        }

        return skeleton.ToString();
    }

    /// <summary>The code points of well-formed UTF-16, or null for a lone surrogate.</summary>
    public static List<int>? CodePoints(string text)
    {
        var codePoints = new List<int>(text.Length);
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int used) != OperationStatus.Done)
            {
                return null;
            }

            codePoints.Add(rune.Value);
            rest = rest[used..];
        }

        return codePoints;
    }

    /// <summary>Canonical decomposition (Unicode NFD) from the pinned tables: decompose, then order marks by combining class.</summary>
    private static List<int> Nfd(string text)
    {
        var result = new List<int>(text.Length * 2);
        foreach (int codePoint in CodePoints(text) ?? [])
        {
            if (codePoint is >= HangulBase and < HangulBase + HangulCount)
            {
                // The Hangul syllable algorithm (Unicode §3.12), not a table.
                int index = codePoint - HangulBase;
                result.Add(0x1100 + (index / 588));
                result.Add(0x1161 + (index % 588 / 28));
                if (index % 28 != 0)
                {
                    result.Add(0x11A7 + (index % 28));
                }
            }
            else if (Lookup(UnicodeSecurityData.DecompositionKeys, UnicodeSecurityData.DecompositionOffsets, UnicodeSecurityData.DecompositionText, codePoint) is { } decomposed)
            {
                result.AddRange(CodePoints(decomposed) ?? []);
            }
            else
            {
                result.Add(codePoint);
            }
        }

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int i = 1; i < result.Count; i++)
        {
            int ccc = CombiningClass(result[i]);
            for (int j = i; ccc != 0 && j > 0 && CombiningClass(result[j - 1]) > ccc; j--)
            {
                (result[j - 1], result[j]) = (result[j], result[j - 1]);
            }
        }

        return result;
    }

    private static int CombiningClass(int codePoint) =>
        RangeValue(UnicodeSecurityData.CombiningClasses, codePoint) is int ccc and >= 0 ? ccc : 0;

    private static UInt128 ScriptSet(int codePoint) =>
        RangeValue(UnicodeSecurityData.ScriptRanges, codePoint) is int set and >= 0
            ? new UInt128(UnicodeSecurityData.ScriptSets[(set * 2) + 1], UnicodeSecurityData.ScriptSets[set * 2])
            : 0; // not Allowed: no script set (such names are refused before this is asked)

    /// <summary>
    /// The value of the range holding <paramref name="codePoint"/> in a generated table of sorted,
    /// disjoint (first, last, value) triples; -1 where no range holds it.
    /// </summary>
    private static int RangeValue(int[] table, int codePoint)
    {
        int low = 0;
        int high = (table.Length / 3) - 1;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            if (codePoint < table[mid * 3])
            {
                high = mid - 1;
            }
            else if (codePoint > table[(mid * 3) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return table[(mid * 3) + 2];
            }
        }

        return -1;
    }

    private static bool InRanges(int[] pairs, int codePoint)
    {
        int low = 0;
        int high = (pairs.Length / 2) - 1;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            if (codePoint < pairs[mid * 2])
            {
                high = mid - 1;
            }
            else if (codePoint > pairs[(mid * 2) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static string? Lookup(int[] keys, int[] offsets, string text, int codePoint)
    {
        int index = Array.BinarySearch(keys, codePoint);
        return index < 0 ? null : text[offsets[index]..offsets[index + 1]];
    }

    private static UInt128 Bit(string code)
    {
        int index = Array.IndexOf(UnicodeSecurityData.ScriptCodes, code);
        return index < 0 ? throw new InvalidOperationException($"The generated tables lack the script {code}.") : UInt128.One << index;
    }

    private static int LowestBit(UInt128 value) => (int)UInt128.TrailingZeroCount(value);

    /// <summary>U+XXXX, as the Unicode charts write it.</summary>
    public static string Describe(int codePoint) => "U+" + codePoint.ToString("X4", CultureInfo.InvariantCulture);
}
