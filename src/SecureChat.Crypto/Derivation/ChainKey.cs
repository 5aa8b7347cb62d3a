// The symmetric ratchet: a KDF chain as in Signal's Double Ratchet (section 5.2 of the specification),
// with HMAC-SHA256 as the chain function.
//   message key seed = HMAC-SHA256(chain key, 0x01)
//   next chain key   = HMAC-SHA256(chain key, 0x02)
//   message key      = HKDF-SHA256(IKM = seed, salt = empty, info = "securechat message key"), 64 bytes
// The old chain key and the seed are wiped at once, so a chain key stolen now opens no earlier message.
// A rekey mixes fresh key-agreement output into the chain (MixIn), so a chain key stolen before it opens
// no later message either:
//   chain key' = ExpandLabel(HKDF-Extract(salt = chain key, IKM = fresh secret), label, context, 32)
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

    // The chain key the prepared message key came from: a rekey mixes into the key of the next record.
    private readonly byte[] _beforePrepared = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
    private bool _hasPrepared;
    private bool _disposed;

    // Uncontended in the session (one writer or one reader per chain); it makes a snapshot or a rekey from
    // another thread see a whole step, never half of one.
    private readonly Lock _gate = new();

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
        using Lock.Scope scope = _gate.EnterScope();
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
            CryptographicOperations.ZeroMemory(_beforePrepared);
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
        using Lock.Scope scope = _gate.EnterScope();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_hasPrepared && Index < ulong.MaxValue)
        {
            _key.CopyTo(_beforePrepared);
            Step(_prepared);
            _hasPrepared = true;
        }
    }

    /// <summary>
    /// Mixes a fresh secret into the chain at its current position (the next record's key changes, the
    /// index does not): <c>ck' = ExpandLabel(HKDF-Extract(salt = ck, IKM = secret), label, context, 32)</c>.
    /// The old chain key is wiped, so what it could derive ends here.
    /// </summary>
    public void MixIn(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context)
    {
        using Lock.Scope scope = _gate.EnterScope();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_hasPrepared)
        {
            _beforePrepared.CopyTo(_key);
            CryptographicOperations.ZeroMemory(_prepared);
            CryptographicOperations.ZeroMemory(_beforePrepared);
            _hasPrepared = false;
        }

        Span<byte> prk = stackalloc byte[KeyDerivation.PrkSize];
        try
        {
            KeyDerivation.Extract(secret, _key, prk);
            KeyDerivation.ExpandLabel(prk, label, context, _key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>A copy of this chain at its current position: the post-compromise test's stolen chain key.</summary>
    internal ChainKey Snapshot()
    {
        using Lock.Scope scope = _gate.EnterScope();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var copy = new ChainKey(_hasPrepared ? _beforePrepared : _key) { Index = Index };
        return copy;
    }

    /// <summary>The chain key of the next record, for the deterministic example's test only.</summary>
    internal byte[] ExportKey()
    {
        using Lock.Scope scope = _gate.EnterScope();
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (_hasPrepared ? _beforePrepared : _key).ToArray();
    }

    private void Step(Span<byte> messageKey)
    {
        Span<byte> seed = stackalloc byte[Size];
        Span<byte> nextKey = stackalloc byte[Size];
        try
        {
            // Two one-shot HMACs: a reusable keyed context would save a key schedule but allocates a
            // context object and a SafeHandle on every step, garbage per record (issue 19).
            HMACSHA256.HashData(_key, SeedConstant, seed);
            HMACSHA256.HashData(_key, ChainConstant, nextKey);

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
        using Lock.Scope scope = _gate.EnterScope();
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_key);
            CryptographicOperations.ZeroMemory(_prepared);
            CryptographicOperations.ZeroMemory(_beforePrepared);
            _hasPrepared = false;
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ChainKey(index {Index}, redacted)";
}
