// Writes a baseline frame with one write: the JSON is serialised straight into a reused buffer behind
// a reserved length prefix. Not thread-safe: the conversation end serialises writers.
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using SecureChat.Protocol.Framing;

namespace SecureChat.Benchmarks.Variants;

/// <summary>Writes length-prefixed <see cref="ChatFrame"/>s to a stream.</summary>
internal sealed class JsonFrameWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    /// <summary>Writes to <paramref name="stream"/>; the caller owns it.</summary>
    public JsonFrameWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Serialises <paramref name="frame"/> and writes it whole.</summary>
    public async ValueTask WriteAsync(ChatFrame frame, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        _buffer.GetSpan(FrameCodec.HeaderSize);
        _buffer.Advance(FrameCodec.HeaderSize); // the length prefix, written once the length is known
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, frame, ChatFrameJson.Default.ChatFrame);
        Memory<byte> wire = MemoryMarshal.AsMemory(_buffer.WrittenMemory);
        FrameCodec.WriteHeader(wire.Span, wire.Length - FrameCodec.HeaderSize);
        await _stream.WriteAsync(wire, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the JSON writer.</summary>
    public void Dispose() => _json.Dispose();
}
