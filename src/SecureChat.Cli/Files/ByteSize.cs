// Sizes as people write and read them. Parsing takes both decimal (KB = 1000) and binary (KiB = 1024)
// units, since both are common on command lines; display uses decimal units, as file managers and
// transfer tools (scp, croc) do.
using System.Globalization;

namespace SecureChat.Cli.Files;

/// <summary>Parses and formats byte counts.</summary>
public static class ByteSize
{
    /// <summary>The default --max-file-size: generous (16 GiB), still a cap.</summary>
    public const long DefaultMaxFileSize = 16L * 1024 * 1024 * 1024;

    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
        ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000),
        ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("K", 1_000), ("B", 1),
    ];

    /// <summary>Parses <c>1048576</c>, <c>500MB</c>, <c>2 GiB</c>, <c>1.5GB</c>; false for anything else or an overflow.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        string t = (text ?? string.Empty).Trim().ToUpperInvariant();
        long factor = 1;
        foreach ((string suffix, long f) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                t = t[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) || number < 0)
        {
            return false;
        }

        decimal value = number * factor;
        if (value > long.MaxValue)
        {
            return false;
        }

        bytes = (long)decimal.Floor(value);
        return true;
    }

    /// <summary>A short human form: <c>512 B</c>, <c>12.3 MB</c>, <c>1.07 GB</c>.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[unit]}");
    }
}
