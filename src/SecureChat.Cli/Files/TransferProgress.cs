// How far one file transfer is and how fast it goes, for a view to draw (as a bar or a line).
// Speed counts only the bytes moved in this run, beyond the offset a resumed transfer started from, so
// resuming at 90 % does not claim a burst of speed. Time comes from the injected TimeProvider's monotonic
// timestamps, so a wall-clock jump cannot distort it and tests can drive it.
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Files;

/// <summary>Measures the progress of one file transfer.</summary>
/// <remarks>Not for concurrent use from several threads.</remarks>
public sealed class TransferProgress
{
    private readonly string _label;
    private readonly long _total;
    private readonly long _startOffset;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _held;

    /// <summary>
    /// Starts timing a transfer of <paramref name="totalBytes"/> of which <paramref name="startOffset"/> were
    /// already held (a resumed transfer); <paramref name="time"/> supplies the clock.
    /// </summary>
    public TransferProgress(string label, long totalBytes, long startOffset, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(totalBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startOffset, totalBytes);
        _label = label;
        _total = totalBytes;
        _startOffset = startOffset;
        _held = startOffset;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Records that <paramref name="bytesNowHeld"/> bytes of the file are now held (not a delta).</summary>
    public void Advance(long bytesNowHeld)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesNowHeld);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytesNowHeld, _total);
        _held = bytesNowHeld;
    }

    /// <summary>The progress now, as the event of transfer <paramref name="id"/> going <paramref name="direction"/>.</summary>
    public TransferProgressed Snapshot(ulong id, TransferDirection direction)
    {
        TimeSpan elapsed = _time.GetElapsedTime(_started);
        long moved = _held - _startOffset;
        double? speed = elapsed > TimeSpan.Zero && moved > 0 ? moved / elapsed.TotalSeconds : null;
        return new TransferProgressed(id, direction, _label, _held, _total, speed, elapsed);
    }
}
