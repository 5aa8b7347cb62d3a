// Writing a record: every sealed frame (JSON records and binary chunk records alike) goes through one
// method, under the session's write lock, into the SessionWriter, which gathers frames that queue behind
// a write still pending into one socket write. A failed write breaks the session.
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    /// <summary>Seals and writes one record; the caller holds the write lock. A failed write breaks the session.</summary>
    private Task WriteRecordLockedAsync(InnerMessage message) => WriteFrameLockedAsync(_sealer.SealPooled(message));

    /// <summary>
    /// Writes one sealed record (or gathers it behind a write still pending: <see cref="SessionWriter"/>) and
    /// hands its buffer to the writer, which gives it back; the caller holds the write lock. A failed write breaks the session.
    /// </summary>
    private async Task WriteFrameLockedAsync(PooledFrame frame)
    {
        try
        {
            // Never the caller's token: a frame abandoned half-written would desynchronise the stream.
            // The writer owns the frame now, written or not, and returns its buffer.
            await _output.WriteAsync(frame).ConfigureAwait(false);
            Volatile.Write(ref _lastSentAt, Environment.TickCount64);
            CountSentRecord();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            throw Failure?.Again() ?? new ConnectionLostException("The session was closed while a frame was being written.");
        }
        catch (SessionException e)
        {
            Break(e);
            throw Failure?.Again() ?? e;
        }
    }
}
