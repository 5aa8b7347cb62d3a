// The symmetric ratchet: a KDF chain as in Signal's Double Ratchet (section 5.2 of the specification),
// with HMAC-SHA256 as the chain function.
//   message key seed = HMAC-SHA256(chain key, 0x01)
//   next chain key   = HMAC-SHA256(chain key, 0x02)
//   message key      = HKDF-SHA256(IKM = seed, salt = empty, info = "securechat message key"), 64 bytes
// The old chain key and the seed are wiped at once, so a chain key stolen now opens no earlier message.
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Crypto.Derivation;

/// <summary>One direction's ratchet chain. Each <see cref="Next"/> gives a fresh message key and forgets the past.</summary>
public sealed class ChainKey : IDisposable
{
    /// <summary>The size of a chain key.</summary>
    public const int Size = 32;

    /// <summary>The size of each message key (a MAC key and an AES-256 key, as message protection takes them).</summary>
    public const int MessageKeySize = 64;

    private static readonly byte[] MessageKeyInfo = Encoding.ASCII.GetBytes("securechat message key");
    private static readonly byte[] SeedConstant = [0x01];
    private static readonly byte[] ChainConstant = [0x02];

    private readonly byte[] _key = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
    private readonly byte[] _prepared = GC.AllocateUninitializedArray<byte>(MessageKeySize, pinned: true);
    private bool _hasPrepared;
    private bool _disposed;

    /// <summary>Starts a chain from a 32-byte key derived by the handshake. The caller wipes its own copy.</summary>
    public ChainKey(ReadOnlySpan<byte> initialKey)
    {
        if (initialKey.Length != Size)
        {
            throw Error.Length(nameof(initialKey), Size, initialKey.Length);
        }

        initialKey.CopyTo(_key);
    }

    /// <summary>How many message keys this chain has given.</summary>
    public ulong Index { get; private set; }

    /// <summary>Writes the next 64-byte message key into <paramref name="messageKey"/> and advances the chain.</summary>
    public void Next(Span<byte> messageKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (messageKey.Length != MessageKeySize)
        {
            throw Error.Length(nameof(messageKey), MessageKeySize, messageKey.Length);
        }

        if (Index == ulong.MaxValue)
        {
            throw new InvalidOperationException("The chain is exhausted; start a new session.");
        }

        if (_hasPrepared)
        {
            _prepared.CopyTo(messageKey);
            CryptographicOperations.ZeroMemory(_prepared);
            _hasPrepared = false;
        }
        else
        {
            Step(messageKey);
        }

        Index++;
    }

    /// <summary>
    /// Derives the next message key ahead of time, so that the <see cref="Next"/> that takes it costs a copy:
    /// a record layer calls this after a record has gone out, moving the ratchet off the path of the next
    /// one. It weakens nothing: the chain key held until now could derive that key and every later one.
    /// </summary>
    public void PrepareNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_hasPrepared && Index < ulong.MaxValue)
        {
            Step(_prepared);
            _hasPrepared = true;
        }
    }

    private void Step(Span<byte> messageKey)
    {
        Span<byte> seed = stackalloc byte[Size];
        Span<byte> nextKey = stackalloc byte[Size];
        try
        {
            // One keyed HMAC for both constants: the key schedule once instead of twice.
            using (var chain = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key))
            {
                chain.AppendData(SeedConstant);
                chain.GetHashAndReset(seed);
                chain.AppendData(ChainConstant);
                chain.GetHashAndReset(nextKey);
            }

            nextKey.CopyTo(_key);
            KeyDerivation.DeriveKey(seed, salt: default, MessageKeyInfo, messageKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(nextKey);
        }
    }

    /// <summary>Wipes the chain key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_key);
            CryptographicOperations.ZeroMemory(_prepared);
            _hasPrepared = false;
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ChainKey(index {Index}, redacted)";
}
