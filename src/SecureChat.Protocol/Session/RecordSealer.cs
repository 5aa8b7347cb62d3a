// Seals outgoing records: each takes the next message key from the sending chain (which forgets the
// previous chain key) and the next sequence number. Not thread-safe: the session seals under its write
// lock, so sequence numbers follow the order of frames on the wire.
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
        byte[] plaintext = JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.InnerMessage);
        ulong sequence = _chain.Index;
        Span<byte> header = stackalloc byte[RecordHeader.Size];
        RecordHeader.Write(header, _protection.Suite, _direction, sequence);
        byte[] sealedBytes = new byte[_protection.GetSealedLength(plaintext.Length)];
        try
        {
            _chain.Next(_messageKey);
            if (_entropy.ChoosesIvs)
            {
                Span<byte> iv = stackalloc byte[MessageProtection.IvSize];
                _entropy.FillIv(iv);
                _protection.Seal(_messageKey, iv, header, plaintext, sealedBytes);
            }
            else
            {
                _protection.Seal(_messageKey, header, plaintext, sealedBytes);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_messageKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return FrameJson.Encode(new RecordFrame(sequence, sealedBytes), ProtocolJsonContext.Default.RecordFrame);
    }

    public void Dispose() => _chain.Dispose();
}
