// The resident set of a process as the kernel counts it: VmRSS in /proc/<pid>/status (KiB). It holds
// the managed heap the GC has committed and touched, native allocations (OpenSSL's buffers), mapped code
// and thread stacks; file data read with read(2) stays in the page cache and is not counted.
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Reads VmRSS.</summary>
internal static class ResidentSet
{
    /// <summary>VmRSS of process <paramref name="pid"/>, in MiB.</summary>
    public static double MebibytesOf(int pid) => KibibytesOf($"/proc/{pid}/status") / 1024.0;

    private static long KibibytesOf(string status)
    {
        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"{status} has no VmRSS line.");
    }
}

/// <summary>
/// Reads this process's VmRSS again and again without allocating: the memory sampler reads it every 50 ms
/// during a transfer, and strings per sample would be garbage in every variant's heap figure (issue 19).
/// One handle kept open, one buffer, the number parsed from the bytes. Not thread-safe.
/// </summary>
internal sealed class OwnResidentSetReader : IDisposable
{
    private static readonly byte[] Label = "VmRSS:"u8.ToArray();

    private readonly SafeFileHandle _status = File.OpenHandle("/proc/self/status");
    private readonly byte[] _buffer = new byte[16 * 1024];

    /// <summary>VmRSS of this process, in KiB.</summary>
    public long Kibibytes()
    {
        // A read at offset 0 makes the kernel generate the file afresh.
        int length = 0;
        int read;
        while (length < _buffer.Length && (read = RandomAccess.Read(_status, _buffer.AsSpan(length), length)) > 0)
        {
            length += read;
        }

        ReadOnlySpan<byte> text = _buffer.AsSpan(0, length);
        int at = text.IndexOf(Label);
        if (at < 0)
        {
            throw new InvalidDataException("/proc/self/status has no VmRSS line.");
        }

        text = text[(at + Label.Length)..].TrimStart(" \t"u8);
        long kibibytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit((char)text[digits]))
        {
            kibibytes = (kibibytes * 10) + (text[digits] - '0');
            digits++;
        }

        return digits > 0 ? kibibytes : throw new InvalidDataException("/proc/self/status has a VmRSS line without a number.");
    }

    /// <inheritdoc />
    public void Dispose() => _status.Dispose();
}
