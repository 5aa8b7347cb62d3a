// The associated data every record's tag covers (docs/protocol.md, "Records"):
//   u8 version ‖ u8 suite ‖ u8 direction ‖ u64-be sequence number        11 bytes
// Binding the direction stops reflection (a record sent back to its sender), the sequence number stops
// replay, reordering and dropping, and version and suite stop a record crossing into another setting.
using System.Buffers.Binary;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

internal static class RecordHeader
{
    public const int Size = 11;

    public static void Write(Span<byte> header, MessageSuite suite, Direction direction, ulong sequence)
    {
        header[0] = ProtocolVersion.Current;
        header[1] = (byte)suite;
        header[2] = (byte)direction;
        BinaryPrimitives.WriteUInt64BigEndian(header[3..], sequence);
    }
}
