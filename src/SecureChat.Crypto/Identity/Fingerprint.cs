// Fingerprints in OpenSSH's display form: "SHA256:" + unpadded base64 of SHA-256 over the key's DER
// SubjectPublicKeyInfo (OpenSSH hashes its own key blob instead, so the values differ from ssh-keygen's).
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SecureChat.Crypto.Identity;

/// <summary>A SHA-256 fingerprint of an identity public key, shown as <c>SHA256:</c> and 43 base64 characters.</summary>
public sealed class Fingerprint : IEquatable<Fingerprint>
{
    /// <summary>The prefix every fingerprint starts with.</summary>
    public const string Prefix = "SHA256:";

    private readonly byte[] _hash;

    private Fingerprint(byte[] hash)
    {
        _hash = hash;
    }

    /// <summary>The 32-byte SHA-256 value.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>The fingerprint of a DER SubjectPublicKeyInfo.</summary>
    public static Fingerprint Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => new(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>
    /// Parses the display form, as a user types it for pinning (<c>SHA256:</c> is required; trailing <c>=</c> padding is allowed).
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Fingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string base64 = text[Prefix.Length..].Trim().TrimEnd('=');
        if (base64.Length != 43)
        {
            return false;
        }

        byte[] hash = new byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(base64 + "=", hash, out int written) || written != hash.Length)
        {
            return false;
        }

        // The last character carries two unused bits that decoding ignores: insist on the canonical one,
        // so that one key has exactly one written fingerprint.
        if (!string.Equals(Convert.ToBase64String(hash).TrimEnd('='), base64, StringComparison.Ordinal))
        {
            return false;
        }

        fingerprint = new Fingerprint(hash);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Fingerprint? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_hash, other._hash);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Fingerprint);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_hash, 0);

    /// <summary>The display form, for example <c>SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s</c>.</summary>
    public override string ToString() => Prefix + Convert.ToBase64String(_hash).TrimEnd('=');
}
