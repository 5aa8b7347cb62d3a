// The running SHA-256 hash of a handshake transcript (FIPS 180-4), as TLS 1.3 keeps one (RFC 8446
// section 4.4.1): every handshake frame is absorbed exactly as it crossed the wire, and the hash so far
// can be read at any point without ending it. Output: 32 bytes.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Derivation;

/// <summary>The SHA-256 hash of everything a handshake has sent and received so far.</summary>
public sealed class TranscriptHash : IDisposable
{
    /// <summary>The size of the hash.</summary>
    public const int Size = 32;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _disposed;

    /// <summary>Absorbs <paramref name="bytes"/> into the transcript.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hash.AppendData(bytes);
    }

    /// <summary>Writes the hash of the transcript so far; the transcript goes on.</summary>
    public void GetCurrentHash(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != Size)
        {
            throw Error.Length(nameof(destination), Size, destination.Length);
        }

        _hash.GetCurrentHash(destination);
    }

    /// <summary>The hash of the transcript so far, as a new array.</summary>
    public byte[] GetCurrentHash()
    {
        byte[] hash = new byte[Size];
        GetCurrentHash(hash);
        return hash;
    }

    /// <summary>Releases the hash state.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _hash.Dispose();
            _disposed = true;
        }
    }
}
