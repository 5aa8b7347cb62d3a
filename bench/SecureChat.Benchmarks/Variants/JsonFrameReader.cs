// Reads the baselines' frames through one receive buffer: as many bytes as the stream has, then every
// whole frame in them, so plain TCP costs one read per burst rather than two per frame. The length
// prefix is checked by SecureChat's own pure framer (FrameCodec.TryReadFrame).
using System.Text.Json;
using SecureChat.Protocol.Framing;

namespace SecureChat.Benchmarks.Variants;

/// <summary>Reads length-prefixed <see cref="ChatFrame"/>s from a stream.</summary>
internal sealed class JsonFrameReader
{
    /// <summary>The largest payload accepted, as SecureChat's sessions accept.</summary>
    public const int MaxPayload = FrameCodec.DefaultMaxSessionPayload;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[128 * 1024];
    private int _start;
    private int _end;

    /// <summary>Reads from <paramref name="stream"/>; the caller owns it.</summary>
    public JsonFrameReader(Stream stream) => _stream = stream;

    /// <summary>The next frame, or <see langword="null"/> when the stream ended between frames.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    public async ValueTask<ChatFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (FrameCodec.TryReadFrame(_buffer.AsSpan(_start, _end - _start), MaxPayload, out int length))
            {
                ChatFrame frame = JsonSerializer.Deserialize(_buffer.AsSpan(_start + FrameCodec.HeaderSize, length - FrameCodec.HeaderSize), ChatFrameJson.Default.ChatFrame)
                    ?? throw new JsonException("A frame holds JSON null.");
                _start += length;
                return frame;
            }

            MakeRoom();
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return _start == _end ? null : throw new EndOfStreamException("The stream ended inside a frame.");
            }

            _end += read;
        }
    }

    /// <summary>
    /// Raw bytes that follow the frames (a file): those this reader holds already, then straight from the
    /// stream. 0 when the stream has ended.
    /// </summary>
    public async ValueTask<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            return await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }

        int length = Math.Min(destination.Length, _end - _start);
        _buffer.AsMemory(_start, length).CopyTo(destination);
        _start += length;
        return length;
    }

    /// <summary>Moves a partial frame to the front, and grows the buffer when a frame is larger than it.</summary>
    private void MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, FrameCodec.HeaderSize + MaxPayload));
        }
    }
}
