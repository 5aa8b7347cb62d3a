// Safety numbers in the spirit of Signal's (libsignal NumericFingerprintGenerator, version 1): each
// identity gives 30 digits from an iterated SHA-512 over its key; the two halves are put in a fixed
// order (the smaller first), so both people see the same 60 digits and can read them to each other.
//   h_0     = SHA-512(uint16-be(version = 1) ‖ "SecureChat safety number" ‖ SPKI)
//   h_(i+1) = SHA-512(h_i ‖ SPKI), 5200 times        (slows down a search for a colliding key)
//   half    = for each of the first six 5-byte chunks c of h_5200: uint40-be(c) mod 100000, as 5 digits
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Crypto.Identity;

/// <summary>A 60-digit code for two identities, the same on both sides whatever their order.</summary>
public sealed class SafetyNumber : IEquatable<SafetyNumber>
{
    /// <summary>How many digits a safety number has.</summary>
    public const int DigitCount = 60;

    private const ushort Version = 1;
    private const int Iterations = 5200;
    private const int ChunksPerHalf = 6;
    private const int ChunkSize = 5;
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("SecureChat safety number");

    private SafetyNumber(string digits)
    {
        Digits = digits;
    }

    /// <summary>The 60 digits, without spaces.</summary>
    public string Digits { get; }

    /// <summary>The safety number of two identities; swapping them gives the same number.</summary>
    public static SafetyNumber Compute(IdentityPublicKey first, IdentityPublicKey second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        string a = first.SafetyNumberHalf;
        string b = second.SafetyNumberHalf;
        return new SafetyNumber(string.CompareOrdinal(a, b) <= 0 ? a + b : b + a);
    }

    /// <summary>The digits in twelve groups of five, for reading aloud.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(DigitCount + 11);
        for (int i = 0; i < DigitCount; i += ChunkSize)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Digits.AsSpan(i, ChunkSize));
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public bool Equals(SafetyNumber? other) => other is not null && string.Equals(Digits, other.Digits, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SafetyNumber);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Digits);

    /// <summary>One key's 30 digits: 5200 hashes, so <see cref="IdentityPublicKey"/> keeps the result.</summary>
    internal static string HalfOf(ReadOnlySpan<byte> spki)
    {
        int prefixLength = sizeof(ushort) + Domain.Length;
        byte[] first = new byte[prefixLength + spki.Length];
        BinaryPrimitives.WriteUInt16BigEndian(first, Version);
        Domain.CopyTo(first, sizeof(ushort));
        spki.CopyTo(first.AsSpan(prefixLength));

        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        SHA512.HashData(first, hash);

        // Each round hashes the previous hash followed by the key: the key sits after the hash once.
        byte[] chained = new byte[SHA512.HashSizeInBytes + spki.Length];
        spki.CopyTo(chained.AsSpan(SHA512.HashSizeInBytes));
        for (int i = 0; i < Iterations; i++)
        {
            hash.CopyTo(chained);
            SHA512.HashData(chained, hash);
        }

        var digits = new StringBuilder(DigitCount / 2);
        Span<byte> chunk = stackalloc byte[sizeof(ulong)];
        for (int i = 0; i < ChunksPerHalf; i++)
        {
            chunk.Clear();
            hash.Slice(i * ChunkSize, ChunkSize).CopyTo(chunk[(sizeof(ulong) - ChunkSize)..]);
            ulong value = BinaryPrimitives.ReadUInt64BigEndian(chunk) % 100_000;
            digits.Append(value.ToString("D5", CultureInfo.InvariantCulture));
        }

        return digits.ToString();
    }
}
