// One sender's sealing: message protection with a fresh random IV for every message, fetched from the
// system's CSPRNG a batch at a time (RandomIvBatch). The IV is never chosen by the caller, so reusing one
// under a key (which would leak plaintext equality) cannot be expressed through the public API; only the
// test seam below fixes IVs, for the deterministic example of docs/protocol.md.
namespace SecureChat.Crypto.Protection;

/// <summary>
/// Seals a stream of messages with one <see cref="MessageProtection"/> and fresh random IVs. Not
/// thread-safe: one per sender. Dispose it to wipe the IVs fetched but not yet used and free its cipher.
/// </summary>
public sealed class MessageSealer : IDisposable
{
    private readonly RandomIvBatch? _random;
    private readonly IvSource? _fixedIvs;
    private readonly AesCbc _cipher = new();

    /// <summary>A sealer for <paramref name="protection"/> that draws random IVs.</summary>
    public MessageSealer(MessageProtection protection)
    {
        ArgumentNullException.ThrowIfNull(protection);
        Protection = protection;
        _random = new RandomIvBatch();
    }

    /// <summary>The test seam: IVs from <paramref name="ivs"/>, for a reproducible transcript. Never for real records.</summary>
    internal MessageSealer(MessageProtection protection, IvSource ivs)
    {
        ArgumentNullException.ThrowIfNull(protection);
        ArgumentNullException.ThrowIfNull(ivs);
        Protection = protection;
        _fixedIvs = ivs;
    }

    /// <summary>The suite and padding this sealer uses.</summary>
    public MessageProtection Protection { get; }

    /// <summary>The exact length of the sealed form of a <paramref name="plaintextLength"/>-byte message.</summary>
    public int GetSealedLength(int plaintextLength) => Protection.GetSealedLength(plaintextLength);

    /// <summary>
    /// Seals <paramref name="plaintext"/> under <paramref name="key"/> with the next fresh IV, authenticating
    /// <paramref name="associatedData"/> too, into <paramref name="destination"/> (exactly <see cref="GetSealedLength"/> bytes).
    /// </summary>
    public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[MessageProtection.IvSize];
        if (_fixedIvs is not null)
        {
            _fixedIvs(iv);
        }
        else
        {
            _random!.Next(iv);
        }

        Protection.Seal(_cipher, key, iv, associatedData, plaintext, destination);
    }

    /// <summary>Wipes the random IVs fetched but not handed out and frees the cipher kept across messages.</summary>
    public void Dispose()
    {
        _random?.Dispose();
        _cipher.Dispose();
    }
}

/// <summary>Fills a 16-byte IV: the test seam of <see cref="MessageSealer"/>.</summary>
internal delegate void IvSource(Span<byte> iv);
