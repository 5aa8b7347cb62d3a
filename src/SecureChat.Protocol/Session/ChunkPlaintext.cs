// The plaintext of a chunk record (docs/protocol.md, "Chunk records"): a 21-byte binary header and the
// file's bytes as they are, no JSON and no base64, so a sealed chunk costs the file's bytes plus at most
// one padding bucket. u8(tag 0x01) ‖ u64(file) ‖ u64(offset) ‖ u32(length) ‖ data, all big-endian.
using System.Buffers.Binary;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

/// <summary>Writes and reads the binary plaintext of a file chunk.</summary>
internal static class ChunkPlaintext
{
    /// <summary>The first byte of a chunk's plaintext: the only binary plaintext this version knows.</summary>
    public const byte Tag = 0x01;

    /// <summary>tag, file, offset, length.</summary>
    public const int HeaderSize = 1 + 8 + 8 + 4;

    /// <summary>Writes the header and <paramref name="data"/> into <paramref name="destination"/>, exactly <see cref="HeaderSize"/> + data bytes.</summary>
    public static void Write(Span<byte> destination, ulong file, long offset, ReadOnlySpan<byte> data)
    {
        destination[0] = Tag;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], file);
        BinaryPrimitives.WriteInt64BigEndian(destination[9..], offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[17..], (uint)data.Length);
        data.CopyTo(destination[HeaderSize..]);
    }

    /// <summary>Reads an authenticated chunk plaintext; its data is the rest of <paramref name="plaintext"/>.</summary>
    /// <exception cref="ProtocolViolationException">An unknown tag, a length that is not the data's, a number out of range.</exception>
    public static (ulong File, long Offset) Read(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length == 0 || plaintext[0] != Tag)
        {
            throw new ProtocolViolationException(plaintext.Length == 0
                ? "A binary record is empty."
                : $"A binary record starts with the tag 0x{plaintext[0]:x2}; this version knows only 0x{Tag:x2} (a chunk).");
        }

        if (plaintext.Length < HeaderSize)
        {
            throw new ProtocolViolationException($"A chunk's header is {HeaderSize} bytes; this one has {plaintext.Length}.");
        }

        ulong file = BinaryPrimitives.ReadUInt64BigEndian(plaintext[1..]);
        ulong offset = BinaryPrimitives.ReadUInt64BigEndian(plaintext[9..]);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(plaintext[17..]);
        if (length != (uint)(plaintext.Length - HeaderSize))
        {
            throw new ProtocolViolationException($"A chunk says it carries {length} bytes but carries {plaintext.Length - HeaderSize}.");
        }

        if (offset > long.MaxValue)
        {
            throw new ProtocolViolationException("A chunk's offset is above 2^63 − 1.");
        }

        return (file, (long)offset);
    }
}
