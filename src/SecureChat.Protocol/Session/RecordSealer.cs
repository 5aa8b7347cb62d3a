// Seals outgoing records: each takes the next message key from the sending chain (which forgets the
// previous chain key) and the next sequence number. Not thread-safe: the session seals under its write
// lock, so sequence numbers follow the order of frames on the wire.
using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

internal sealed class RecordSealer : IDisposable
{
    private readonly ChainKey _chain;
    private MessageSealer _sealer;
    private readonly Direction _direction;
    private readonly byte[] _messageKey = GC.AllocateUninitializedArray<byte>(ChainKey.MessageKeySize, pinned: true);

    // The inner message's JSON goes into one buffer kept across records (wiped after each) rather than a
    // new array per record; one that grew for a large message is let go, so no session holds it idle.
    private const int KeptPlaintextCapacity = 16 * 1024;
    private const int SmallMessageChars = 4096;
    private ArrayBufferWriter<byte> _plaintext = new(1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null);

    public RecordSealer(ChainKey chain, MessageSuite suite, Direction direction, HandshakeEntropy entropy)
    {
        _chain = chain;
        _sealer = entropy.CreateSealer(MessageProtection.Create(suite, MessageProtection.DefaultPaddingBucket));
        _direction = direction;
    }

    public ulong NextSequence => _chain.Index;

    /// <summary>The test seam for a record no conforming sender makes (one sealed without the padding marker).</summary>
    internal MessageSealer Sealer
    {
        get => _sealer;
        set => _sealer = value;
    }

    /// <summary>The whole frame that carries <paramref name="message"/>.</summary>
    public byte[] Seal(InnerMessage message)
    {
        PooledFrame frame = SealPooled(message);
        try
        {
            return frame.Wire.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>
    /// As <see cref="Seal"/>, in a buffer from the shared pool that the caller returns once it is written:
    /// a 64 KiB message makes a frame of about 88 KB, which would otherwise be a large-object allocation.
    /// </summary>
    public PooledFrame SealPooled(InnerMessage message)
    {
        if ((message.Text?.Length ?? 0) > SmallMessageChars)
        {
            // A large text would grow the kept buffer step by step, copying each time: the
            // serialiser's one exact array costs less (and is wiped the same way).
            byte[] plaintext = JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.InnerMessage);
            try
            {
                return SealPlaintextPooled(plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }

        _json.Reset(_plaintext);
        try
        {
            // The serialiser's bytes exactly (the writer's default options are the context's).
            JsonSerializer.Serialize(_json, message, ProtocolJsonContext.Default.InnerMessage);
            return SealPlaintextPooled(_plaintext.WrittenSpan);
        }
        finally
        {
            ForgetPlaintext();
        }
    }

    /// <summary>
    /// As <see cref="SealPooled"/> for the text message <c>new InnerMessage("text", id, sentAt, text)</c>, the
    /// same bytes, without making the message or going through the serialiser (<see cref="CanonicalTextMessage"/>).
    /// </summary>
    public PooledFrame SealText(ulong id, long sentAt, string text)
    {
        if (text.Length > SmallMessageChars)
        {
            return SealPooled(new InnerMessage(InnerMessage.TextKind, Id: id, SentAt: sentAt, Text: text));
        }

        _json.Reset(_plaintext);
        try
        {
            CanonicalTextMessage.Write(_json, id, sentAt, text);
            return SealPlaintextPooled(_plaintext.WrittenSpan);
        }
        finally
        {
            ForgetPlaintext();
        }
    }

    /// <summary>Wipes the kept plaintext buffer, and lets it go if a large message made it grow.</summary>
    private void ForgetPlaintext()
    {
        _json.Reset(Stream.Null);
        _plaintext.Clear(); // zeroes what was written
        if (_plaintext.Capacity > KeptPlaintextCapacity)
        {
            _plaintext = new ArrayBufferWriter<byte>(1024);
        }
    }

    /// <summary>Seals plaintext bytes as they are (for tests that must send what no message would serialise to).</summary>
    internal PooledFrame SealPlaintextPooled(ReadOnlySpan<byte> plaintext)
    {
        ulong sequence = _chain.Index;
        Span<byte> header = stackalloc byte[RecordHeader.Size];
        RecordHeader.Write(header, _sealer.Protection.Suite, _direction, sequence);
        int sealedLength = _sealer.GetSealedLength(plaintext.Length);
        byte[] sealedBytes = ArrayPool<byte>.Shared.Rent(sealedLength);
        try
        {
            _chain.Next(_messageKey);
            _sealer.Seal(_messageKey, header, plaintext, sealedBytes.AsSpan(0, sealedLength));
            return RecordFrameWriter.Write(sequence, sealedBytes.AsSpan(0, sealedLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_messageKey);
            ArrayPool<byte>.Shared.Return(sealedBytes);
        }
    }

    /// <summary>
    /// The binary record frame carrying one file chunk (docs/protocol.md, "Chunk records"): the plaintext is
    /// built in a pooled buffer and sealed straight into the pooled frame, so a chunk allocates nothing.
    /// </summary>
    public PooledFrame SealChunkPooled(ulong file, long offset, ReadOnlySpan<byte> data)
    {
        int plaintextLength = ChunkPlaintext.HeaderSize + data.Length;
        byte[] plaintext = ArrayPool<byte>.Shared.Rent(plaintextLength);
        try
        {
            ChunkPlaintext.Write(plaintext.AsSpan(0, plaintextLength), file, offset, data);
            return SealBinaryPlaintextPooled(plaintext.AsSpan(0, plaintextLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, plaintextLength));
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    /// <summary>Seals plaintext bytes as they are into a binary record frame (tests use it for what no chunk would be).</summary>
    internal PooledFrame SealBinaryPlaintextPooled(ReadOnlySpan<byte> plaintext)
    {
        ulong sequence = _chain.Index;
        Span<byte> header = stackalloc byte[RecordHeader.Size];
        RecordHeader.Write(header, _sealer.Protection.Suite, _direction, sequence);
        PooledFrame frame = BinaryRecordFrame.Rent(sequence, _sealer.GetSealedLength(plaintext.Length), out Memory<byte> sealedPart);
        try
        {
            _chain.Next(_messageKey);
            _sealer.Seal(_messageKey, header, plaintext, sealedPart.Span);
            return frame;
        }
        catch
        {
            frame.Return();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_messageKey);
        }
    }

    /// <summary>Mixes a rekey's fresh secret into the sending chain: the next record and all later ones use the new chain.</summary>
    public void MixIn(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context) => _chain.MixIn(secret, label, context);

    /// <summary>The sending chain, for the post-compromise test to copy (its stolen key).</summary>
    internal ChainKey Chain => _chain;

    /// <summary>Derives the next record's key now, while nothing waits for it (see <see cref="ChainKey.PrepareNext"/>).</summary>
    public void PrepareNext() => _chain.PrepareNext();

    public void Dispose()
    {
        _chain.Dispose();
        _sealer.Dispose();
        _json.Dispose();
    }
}
