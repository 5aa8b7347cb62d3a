using SecureChat.Crypto.Agreement;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// ECDH on P-256 through <see cref="EphemeralKeyPair"/>: Wycheproof's raw-point file, and its SubjectPublicKeyInfo
/// file through our strict DER prefix check. Acceptable cases (compressed points, BER, explicit curve
/// parameters) are refused, as the SOURCE.md advises.
/// </summary>
public sealed class EcdhVectorTests(ITestOutputHelper output)
{
    [VectorFact]
    public void Wycheproof_EcdhP256RawPoints_AllCasesBehave() =>
        Run("ecdh_secp256r1_ecpoint_test.json", publicKey => publicKey);

    [VectorFact]
    public void Wycheproof_EcdhP256SubjectPublicKeyInfo_AllCasesBehave() =>
        Run("ecdh_secp256r1_test.json", spki => P256.PointFromSubjectPublicKeyInfo(spki));

    private void Run(string fileName, Func<byte[], byte[]> toPoint)
    {
        var (cases, declared) = VectorFile.ReadWycheproof(fileName);
        var tally = new VectorTally(fileName, declared);
        foreach (WycheproofCase c in cases)
        {
            byte[]? shared = null;
            string? refusal = null;
            try
            {
                using EphemeralKeyPair ours = EphemeralKeyPair.FromPrivateKey(Scalar(c.Bytes("private")));
                using var secret = ours.DeriveSharedSecret(toPoint(c.Bytes("public")));
                shared = secret.Span.ToArray();
            }
            catch (InvalidKeyException e)
            {
                refusal = e.Message;
            }

            if (c.IsValid)
            {
                tally.Expect(shared is not null && shared.AsSpan().SequenceEqual(c.Bytes("shared")), c, refusal ?? "wrong shared secret");
            }
            else
            {
                tally.Expect(refusal is not null, c, "an invalid or merely acceptable public key was used");
            }
        }

        tally.AssertComplete(output);
    }

    /// <summary>Wycheproof gives the private key as a two's-complement big integer: make it 32 bytes.</summary>
    private static byte[] Scalar(byte[] bigInteger)
    {
        ReadOnlySpan<byte> magnitude = bigInteger.AsSpan().TrimStart((byte)0);
        magnitude.Length.Should().BeLessThanOrEqualTo(32);
        byte[] scalar = new byte[32];
        magnitude.CopyTo(scalar.AsSpan(32 - magnitude.Length));
        return scalar;
    }
}
