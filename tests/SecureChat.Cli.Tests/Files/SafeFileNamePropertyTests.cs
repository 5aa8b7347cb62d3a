// Random names built from the pieces attackers use (separators, dots, drive letters, device names, escapes,
// bidi overrides, lone surrogates, emoji, long runs) must all come out as names the receive folder can use.
// The invariants are checked here independently of SafeFileName's own tables, so a gap in them shows.
using System.Globalization;
using System.Text;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

public sealed class SafeFileNamePropertyTests
{
    private const int Iterations = 5_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] Pieces =
    [
        "a", "Z", "report", "9", " ", "  ", ".", "..", "...", "/", "\\", ":", "C:", "c:\\", "<", ">", "\"", "|", "?", "*",
        "\0", "\u0001", "\u001b[2J", "\u0007", "\n", "\r", "\t", "\u007f", "\u0085", "\u202e", "\u202d", "\u200b", "\u200d",
        "\u00ad", "\ufeff", "\u2028", "\u2029", "\ue000", "\U000F0000", "\ud800", "\udc00", "\U0001F600", "\U0001F389",
        "\u4e2d", "\u00e9", "e\u0301", "\u00a0", "\u3000", "\u00b9", "\u00b2", "\u00b3", ".txt", ".tar.gz", ".pdf",
        "con", "CON", "Prn", "aux", "NUL", "nul", "com1", "COM9", "lpt1", "LPT9", "COM\u00b9", "lpt\u00b3", "conin$",
        "-", "_", "(1)", "#", "%", "~",
    ];

    private static readonly HashSet<string> Devices = new(
        ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
         "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
         "LPT\u00b9", "LPT\u00b2", "LPT\u00b3"],
        StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void FromPeer_RandomNames_AlwaysSafeAndStable()
    {
        var random = new Random(20_260_101);
        int shortened = 0;
        int prefixed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            string offered = RandomName(random);
            string safe = SafeFileName.FromPeer(offered);

            AssertSafe(offered, safe);
            if (Encoding.UTF8.GetByteCount(offered) > SafeFileName.MaxBytes)
            {
                shortened++;
            }

            if (safe.StartsWith('_') && !offered.Contains('_', StringComparison.Ordinal))
            {
                prefixed++;
            }
        }

        // The generator must reach the interesting paths, or the invariants above prove little.
        shortened.Should().BeGreaterThan(Iterations / 20);
        prefixed.Should().BeGreaterThan(Iterations / 100);
    }

    private static void AssertSafe(string offered, string safe)
    {
        string because = $"offered {Escaped(offered)} gave {Escaped(safe)}";
        safe.Should().NotBeEmpty(because);
        StrictUtf8.GetByteCount(safe).Should().BeLessThanOrEqualTo(200, because);
        safe.IndexOfAny(['/', '\\', '<', '>', ':', '"', '|', '?', '*', '\0']).Should().Be(-1, because);
        foreach (Rune rune in safe.EnumerateRunes())
        {
            Rune.GetUnicodeCategory(rune).Should().NotBe(UnicodeCategory.Control, because)
                .And.NotBe(UnicodeCategory.Format, because)
                .And.NotBe(UnicodeCategory.LineSeparator, because)
                .And.NotBe(UnicodeCategory.ParagraphSeparator, because)
                .And.NotBe(UnicodeCategory.PrivateUse, because);
        }

        safe[0].Should().NotBe('.', because);
        char.IsWhiteSpace(safe[0]).Should().BeFalse(because);
        safe[^1].Should().NotBe('.', because);
        char.IsWhiteSpace(safe[^1]).Should().BeFalse(because);
        IsDevice(safe).Should().BeFalse(because);
        SafeFileName.FromPeer(safe).Should().Be(safe, because);
    }

    private static bool IsDevice(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return Devices.Contains((dot < 0 ? name : name[..dot]).TrimEnd());
    }

    private static string RandomName(Random random)
    {
        // Mostly short names, some far past the 200-byte limit.
        int count = random.Next(4) == 0 ? random.Next(60, 400) : random.Next(0, 12);
        var name = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            name.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return name.ToString();
    }

    private static string Escaped(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
