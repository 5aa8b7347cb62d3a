// A file over the baselines as their user would move it (issue #7): the bytes themselves, straight into
// the stream (TLS 1.3 records, or bare TCP), in 64 KiB writes read from the file through one reused
// buffer; the receiver writes whatever each read gives to its file at the next offset, synchronously
// (as SecureChat's receiver does). No framing, no hash: TLS's records are authenticated, and the size is
// known to both ends (SecureChat's offer carries it). The frames' reader hands over any bytes it holds.
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Benchmarks.Variants;

internal sealed partial class JsonFrameEnd
{
    /// <summary>The size of each write of file bytes, and of the receiver's reads.</summary>
    public const int FileWriteBytes = 64 * 1024;

    /// <inheritdoc />
    public async Task SendFileAsync(string path, long size, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[FileWriteBytes];
        using SafeFileHandle file = FileDigest.OpenForReading(path);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (long offset = 0; offset < size;)
            {
                int length = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - offset)), offset);
                if (length == 0)
                {
                    throw new EndOfStreamException($"{path} ended at {offset} of {size} bytes.");
                }

                await _stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                offset += length;
            }

            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task ReceiveFileAsync(string destination, long size, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[FileWriteBytes];
        using SafeFileHandle file = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write);
        for (long offset = 0; offset < size;)
        {
            int length = await _reader.ReadRawAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - offset)), cancellationToken).ConfigureAwait(false);
            if (length == 0)
            {
                throw new EndOfStreamException($"The stream ended at {offset} of {size} bytes.");
            }

            RandomAccess.Write(file, buffer.AsSpan(0, length), offset);
            offset += length;
        }
    }
}
