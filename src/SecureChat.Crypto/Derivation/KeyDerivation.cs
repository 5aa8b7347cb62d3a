// HKDF with SHA-256 (RFC 5869) over System.Security.Cryptography.HKDF, plus a labelled expand in the
// manner of TLS 1.3's HKDF-Expand-Label (RFC 8446 section 7.1), so that every key the handshake derives
// is bound to its purpose (the ratchet's message keys use plain HKDF with their own info string):
//   info = uint16-be(output length) ‖ uint8(len) ‖ "securechat " + label ‖ uint8(len) ‖ context
// Limits: output at most 255 · 32 = 8160 bytes (RFC 5869 section 2.3); label at most 244 ASCII bytes;
// context at most 255 bytes.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Derivation;

/// <summary>HKDF-SHA256 extract and expand, and the labelled expand every SecureChat key comes from.</summary>
public static class KeyDerivation
{
    /// <summary>The size of a pseudorandom key from <see cref="Extract"/>.</summary>
    public const int PrkSize = 32;

    /// <summary>The longest output one expand can give (RFC 5869: 255 hash lengths).</summary>
    public const int MaxOutputSize = 255 * PrkSize;

    private const string LabelPrefix = "securechat ";

    /// <summary>HKDF-Extract: a 32-byte pseudorandom key from input keying material and a salt (empty means 32 zero bytes).</summary>
    public static void Extract(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, Span<byte> prk)
    {
        if (prk.Length != PrkSize)
        {
            throw Error.Length(nameof(prk), PrkSize, prk.Length);
        }

        HKDF.Extract(HashAlgorithmName.SHA256, inputKeyMaterial, salt, prk);
    }

    /// <summary>HKDF-Extract into a <see cref="Secret"/> that owns (and, disposed, wipes) the pseudorandom key.</summary>
    public static Secret ExtractSecret(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt)
    {
        Secret prk = Secret.Allocate(PrkSize);
        try
        {
            Extract(inputKeyMaterial, salt, prk.Writable);
            return prk;
        }
        catch
        {
            prk.Dispose();
            throw;
        }
    }

    /// <summary>HKDF-Expand: fills <paramref name="output"/> (1 to 8160 bytes) from a pseudorandom key and context info.</summary>
    public static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        if (prk.Length < PrkSize)
        {
            throw Error.OutOfRange(nameof(prk), prk.Length, "A pseudorandom key is at least 32 bytes.");
        }

        ValidateOutput(output);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);
    }

    /// <summary>HKDF as one call: extract then expand.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        ValidateOutput(output);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
    }

    /// <summary>
    /// Expands a pseudorandom key for one purpose, named by <paramref name="label"/> (ASCII), bound to
    /// <paramref name="context"/> (for example a transcript hash) and to the output length.
    /// </summary>
    public static void ExpandLabel(ReadOnlySpan<byte> prk, string label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ValidateOutput(output);
        int labelLength = LabelPrefix.Length + label.Length;
        if (labelLength > byte.MaxValue || !Ascii.IsValid(label))
        {
            throw Error.OutOfRange(nameof(label), label, "A label is ASCII, at most 244 characters.");
        }

        if (context.Length > byte.MaxValue)
        {
            throw Error.OutOfRange(nameof(context), context.Length, "A context is at most 255 bytes.");
        }

        Span<byte> info = stackalloc byte[2 + 1 + byte.MaxValue + 1 + byte.MaxValue];
        int at = 0;
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        at += 2;
        info[at++] = (byte)labelLength;
        at += Encoding.ASCII.GetBytes(LabelPrefix, info[at..]);
        at += Encoding.ASCII.GetBytes(label, info[at..]);
        info[at++] = (byte)context.Length;
        context.CopyTo(info[at..]);
        at += context.Length;
        Expand(prk, info[..at], output);
    }

    private static void ValidateOutput(Span<byte> output)
    {
        if (output.Length is < 1 or > MaxOutputSize)
        {
            throw Error.OutOfRange(nameof(output), output.Length, "HKDF-SHA256 gives 1 to 8160 bytes (RFC 5869 section 2.3).");
        }
    }
}
