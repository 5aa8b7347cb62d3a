// A peer that offers a file also names it, and that name is chosen by the other side: it may climb out of
// the receive folder (../../.bashrc), name a Windows device (CON, nul.tar.gz), hide its real extension
// behind a bidi override (U+202E), carry terminal escapes, or be too long for any file system. The receiver
// keeps only the harmless part: the last path segment, without characters that act on a terminal or are
// invalid in Windows or Unix file names, never starting with '.' (so it is neither a dotfile nor one of our
// hidden partial files), and at most 200 UTF-8 bytes, which leaves room for " (12)" and the partial-file
// decoration under the usual 255-byte limit.
//
// Removed characters are dropped, not replaced by '_': most are invisible (control and format characters),
// so dropping them leaves the name the user was shown. Two offers that come out the same are numbered when
// committed (ReceiveFolder.Commit), never overwritten.
using System.Buffers;
using System.Globalization;
using System.Text;

namespace SecureChat.Cli.Files;

/// <summary>Turns the file name a peer offers into one that is safe to create in the receive folder.</summary>
public static class SafeFileName
{
    /// <summary>The most UTF-8 bytes a safe name holds.</summary>
    public const int MaxBytes = 200;

    /// <summary>The name given when nothing of the offered name is left.</summary>
    public const string Fallback = "file";

    /// <summary>The longest extension (UTF-16 characters after its dot) that is kept when a name is shortened.</summary>
    public const int MaxExtensionLength = 16;

    private static readonly SearchValues<char> Separators = SearchValues.Create("/\\");

    // Invalid in Windows file names; '/' and NUL are the two invalid on Unix too.
    private static readonly SearchValues<char> Invalid = SearchValues.Create("<>:\"/\\|?*\0");

    // Windows opens the device whatever the extension ("nul.tar.gz") and whatever the case. COM0, LPT0,
    // CONIN$ and CONOUT$ are reserved too; the superscript digits are ¹ ² ³.
    private static readonly HashSet<string> DeviceNames = new(
        [
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3",
        ],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The safe name for a file the peer offered as <paramref name="offered"/>: never a path, never empty,
    /// never starting with '.', never a Windows device name, at most <see cref="MaxBytes"/> UTF-8 bytes.
    /// </summary>
    /// <remarks>Pure and deterministic; applying it to its own result changes nothing.</remarks>
    public static string FromPeer(string offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ReadOnlySpan<char> segment = WithoutDrive(LastSegment(offered));
        string name = Fit(Harmless(segment));
        if (name.Length == 0)
        {
            return Fallback;
        }

        // The prefix goes on after shortening, since shortening can turn "CON<spaces>x.txt" into "CON<spaces>.txt";
        // '_' is never trimmed, so fitting again can only shorten the end.
        return IsDeviceName(name) ? Fit("_" + name) : name;
    }

    /// <summary>
    /// Where the extension of a safe name starts (its last '.', if followed by 1 to <see cref="MaxExtensionLength"/>
    /// characters), or the name's length if it has none worth keeping.
    /// </summary>
    internal static int ExtensionStart(string name)
    {
        int dot = name.LastIndexOf('.');
        int extensionLength = name.Length - dot - 1;
        return dot > 0 && extensionLength is >= 1 and <= MaxExtensionLength ? dot : name.Length;
    }

    private static ReadOnlySpan<char> LastSegment(string offered) =>
        offered.AsSpan(offered.AsSpan().LastIndexOfAny(Separators) + 1);

    private static ReadOnlySpan<char> WithoutDrive(ReadOnlySpan<char> segment) =>
        segment.Length >= 2 && char.IsAsciiLetter(segment[0]) && segment[1] == ':' ? segment[2..] : segment;

    private static string Harmless(ReadOnlySpan<char> text)
    {
        var kept = new StringBuilder(text.Length);
        while (!text.IsEmpty)
        {
            // A lone surrogate does not decode (InvalidData, or NeedMoreData at the end) and is dropped.
            if (Rune.DecodeFromUtf16(text, out Rune rune, out int consumed) == OperationStatus.Done && !IsHarmful(rune))
            {
                kept.Append(text[..consumed]);
            }

            text = text[consumed..];
        }

        return kept.ToString();
    }

    private static bool IsHarmful(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
        || (rune.IsBmp && Invalid.Contains((char)rune.Value));

    // Trimmed before shortening so the extension is found, and after, since a cut can end in a dot or a space.
    private static string Fit(string name) => Trim(Shorten(Trim(name)));

    private static string Trim(string name)
    {
        int start = 0;
        int end = name.Length;
        while (start < end && IsTrimmed(name[start]))
        {
            start++;
        }

        while (end > start && IsTrimmed(name[end - 1]))
        {
            end--;
        }

        return name[start..end];
    }

    private static bool IsTrimmed(char c) => c == '.' || char.IsWhiteSpace(c);

    private static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxBytes)
        {
            return name;
        }

        int extensionStart = ExtensionStart(name);
        ReadOnlySpan<char> extension = name.AsSpan(extensionStart);
        int stemBudget = MaxBytes - Encoding.UTF8.GetByteCount(extension);
        return string.Concat(WholeRunesWithin(name.AsSpan(0, extensionStart), stemBudget), extension);
    }

    // The longest prefix of whole code points that fits in the budget: a surrogate pair is never split.
    private static ReadOnlySpan<char> WholeRunesWithin(ReadOnlySpan<char> text, int utf8Budget)
    {
        int chars = 0;
        int bytes = 0;
        while (chars < text.Length)
        {
            Rune.DecodeFromUtf16(text[chars..], out Rune rune, out int consumed);
            if (bytes + rune.Utf8SequenceLength > utf8Budget)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            chars += consumed;
        }

        return text[..chars];
    }

    // Windows ignores what follows the first dot, and spaces before it: "CON .txt" is the console too.
    private static bool IsDeviceName(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        ReadOnlySpan<char> stem = (dot < 0 ? name.AsSpan() : name.AsSpan(0, dot)).TrimEnd();
        return stem.Length <= 7 && DeviceNames.Contains(stem.ToString());
    }
}
