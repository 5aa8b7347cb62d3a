// NIST P-256 (secp256r1; FIPS 186-5, SEC 2 section 2.4.2) public keys as they travel: the uncompressed
// point 0x04 ‖ X ‖ Y (SEC 1 section 2.3.3), 65 bytes. Peers never send SubjectPublicKeyInfo or explicit
// curve parameters: .NET on Linux has been seen to accept explicit-parameter SPKI keys with a bad
// cofactor and compute a secret from them (see ../shared/vectors/wycheproof/SOURCE.md).
using System.Security.Cryptography;

namespace SecureChat.Crypto.Agreement;

internal static class P256
{
    public const int CoordinateSize = 32;
    public const int PointSize = 1 + (2 * CoordinateSize);
    private const byte Uncompressed = 0x04;

    // The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-5 / SEC 2), big-endian.
    private static ReadOnlySpan<byte> Prime =>
    [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ];

    // The only SubjectPublicKeyInfo prefix a P-256 key has in DER: SEQUENCE { SEQUENCE { id-ecPublicKey,
    // prime256v1 }, BIT STRING (66 bytes, 0 unused bits) } (RFC 5480 section 2). DER is canonical, so a
    // byte-exact prefix match is a complete parser.
    private static ReadOnlySpan<byte> SpkiPrefix =>
    [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
        0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];

    /// <summary>Imports a peer's point, refusing anything that is not an uncompressed point on P-256.</summary>
    /// <exception cref="InvalidKeyException">The bytes are not a valid P-256 point.</exception>
    public static ECDiffieHellmanPublicKey ImportPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointSize || point[0] != Uncompressed)
        {
            throw Error.InvalidKey("An ephemeral public key must be a 65-byte uncompressed P-256 point.");
        }

        ReadOnlySpan<byte> x = point.Slice(1, CoordinateSize);
        ReadOnlySpan<byte> y = point.Slice(1 + CoordinateSize, CoordinateSize);
        if (x.SequenceCompareTo(Prime) >= 0 || y.SequenceCompareTo(Prime) >= 0)
        {
            throw Error.InvalidKey("The ephemeral public key has a coordinate outside the P-256 field.");
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = x.ToArray(), Y = y.ToArray() },
        };

        ECDiffieHellman? ecdh = null;
        try
        {
            // ImportParameters checks that the point is on the named curve (OpenSSL's EC_KEY_check_key).
            ecdh = ECDiffieHellman.Create();
            ecdh.ImportParameters(parameters);
            return ecdh.PublicKey;
        }
        catch (CryptographicException e)
        {
            throw Error.InvalidKey("The ephemeral public key is not a point on P-256.", e);
        }
        finally
        {
            ecdh?.Dispose();
        }
    }

    /// <summary>
    /// Takes the point out of a DER SubjectPublicKeyInfo for a named-curve P-256 key and nothing else:
    /// no explicit parameters, no BER, no trailing bytes. Then checks it as <see cref="ImportPoint"/> does.
    /// </summary>
    /// <exception cref="InvalidKeyException">The bytes are not such an encoding, or the point is invalid.</exception>
    public static byte[] PointFromSubjectPublicKeyInfo(ReadOnlySpan<byte> spki)
    {
        if (spki.Length != SpkiPrefix.Length + PointSize || !spki.StartsWith(SpkiPrefix))
        {
            throw Error.InvalidKey("Only a DER named-curve P-256 SubjectPublicKeyInfo with an uncompressed point is accepted.");
        }

        byte[] point = spki[SpkiPrefix.Length..].ToArray();
        ImportPoint(point).Dispose();
        return point;
    }
}
