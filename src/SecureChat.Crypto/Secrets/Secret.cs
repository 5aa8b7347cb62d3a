// Secret: the owner of a short secret byte string (a shared secret, a wrapped-key payload, a chain key).
// Pinned so the GC never leaves copies behind when it compacts; zeroed by Dispose.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Secrets;

/// <summary>
/// Owns secret bytes and wipes them when disposed. Its <see cref="ToString"/> never shows the bytes.
/// </summary>
public sealed class Secret : IDisposable
{
    private readonly byte[] _bytes;
    private bool _disposed;

    private Secret(int length)
    {
        _bytes = GC.AllocateUninitializedArray<byte>(length, pinned: true);
    }

    /// <summary>The number of secret bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>
    /// The secret bytes, for handing to another primitive. Do not copy them into memory you do not wipe.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The secret was disposed (and wiped).</exception>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>Creates a secret of <paramref name="length"/> bytes from the system's CSPRNG.</summary>
    public static Secret Random(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var secret = new Secret(length);
        RandomNumberGenerator.Fill(secret._bytes);
        return secret;
    }

    /// <summary>Creates a secret holding a copy of <paramref name="bytes"/>; the caller still wipes its own copy.</summary>
    public static Secret Copy(ReadOnlySpan<byte> bytes)
    {
        var secret = new Secret(bytes.Length);
        bytes.CopyTo(secret._bytes);
        return secret;
    }

    /// <summary>Creates a zeroed secret for a primitive of this library to fill in place through <see cref="Writable"/>.</summary>
    internal static Secret Allocate(int length)
    {
        var secret = new Secret(length);
        Array.Clear(secret._bytes);
        return secret;
    }

    /// <summary>The bytes, writable, for the primitive that fills a secret made by <see cref="Allocate"/>.</summary>
    internal Span<byte> Writable
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>Compares two secrets in constant time (for equal lengths).</summary>
    public bool FixedTimeEquals(ReadOnlySpan<byte> other) =>
        CryptographicOperations.FixedTimeEquals(Span, other);

    /// <summary>Wipes the bytes. Later reads throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_bytes);
            _disposed = true;
        }
    }

    /// <summary>Shows the length only: secrets never reach logs.</summary>
    public override string ToString() => $"Secret({Length} bytes, redacted)";
}
