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
    private readonly MessageProtection _protection;
    private readonly Direction _direction;
    private readonly HandshakeEntropy _entropy;
    private readonly RandomIvBatch _ivs = new();
    private readonly byte[] _messageKey = GC.AllocateUninitializedArray<byte>(ChainKey.MessageKeySize, pinned: true);

    public RecordSealer(ChainKey chain, MessageSuite suite, Direction direction, HandshakeEntropy entropy)
    {
        _chain = chain;
        _protection = MessageProtection.Create(suite, MessageProtection.DefaultPaddingBucket);
        _direction = direction;
        _entropy = entropy;
    }

    public ulong NextSequence => _chain.Index;

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

    /// <summary>Seals plaintext bytes as they are (for tests that must send what no message would serialise to).</summary>
    internal PooledFrame SealPlaintextPooled(ReadOnlySpan<byte> plaintext)
    {
        ulong sequence = _chain.Index;
        Span<byte> header = stackalloc byte[RecordHeader.Size];
        RecordHeader.Write(header, _protection.Suite, _direction, sequence);
        int sealedLength = _protection.GetSealedLength(plaintext.Length);
        byte[] sealedBytes = ArrayPool<byte>.Shared.Rent(sealedLength);
        try
        {
            _chain.Next(_messageKey);
            Span<byte> iv = stackalloc byte[MessageProtection.IvSize];
            if (_entropy.ChoosesIvs)
            {
                _entropy.FillIv(iv);
            }
            else
            {
                _ivs.Next(iv);
            }

            _protection.Seal(_messageKey, iv, header, plaintext, sealedBytes.AsSpan(0, sealedLength));
            return RecordFrameWriter.Write(sequence, sealedBytes.AsSpan(0, sealedLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_messageKey);
            ArrayPool<byte>.Shared.Return(sealedBytes);
        }
    }

    /// <summary>Mixes a rekey's fresh secret into the sending chain: the next record and all later ones use the new chain.</summary>
    public void MixIn(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context) => _chain.MixIn(secret, label, context);

    /// <summary>A copy of the sending chain as it stands (the post-compromise test's stolen key).</summary>
    internal ChainKey Snapshot() => _chain.Snapshot();

    /// <summary>Derives the next record's key now, while nothing waits for it (see <see cref="ChainKey.PrepareNext"/>).</summary>
    public void PrepareNext() => _chain.PrepareNext();

    public void Dispose()
    {
        _chain.Dispose();
        _ivs.Dispose();
    }
}
