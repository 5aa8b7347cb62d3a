using SecureChat.Crypto.Derivation;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>HKDF-SHA256 through <see cref="KeyDerivation"/>: Wycheproof hkdf_sha256_test.json (includes RFC 5869's cases).</summary>
public sealed class HkdfVectorTests(ITestOutputHelper output)
{
    [VectorFact]
    public void Wycheproof_HkdfSha256_AllCasesBehave()
    {
        var (cases, declared) = VectorFile.ReadWycheproof("hkdf_sha256_test.json");
        var tally = new VectorTally("hkdf_sha256_test.json", declared);
        foreach (WycheproofCase c in cases)
        {
            byte[] ikm = c.Bytes("ikm"), salt = c.Bytes("salt"), info = c.Bytes("info");
            int size = c.Test.GetProperty("size").GetInt32();
            if (c.IsValid)
            {
                byte[] okm = c.Bytes("okm");
                byte[] oneShot = new byte[size];
                KeyDerivation.DeriveKey(ikm, salt, info, oneShot);

                byte[] prk = new byte[KeyDerivation.PrkSize];
                KeyDerivation.Extract(ikm, salt, prk);
                byte[] twoStep = new byte[size];
                KeyDerivation.Expand(prk, info, twoStep);

                tally.Expect(oneShot.SequenceEqual(okm) && twoStep.SequenceEqual(okm), c, "output differs");
            }
            else
            {
                bool refused = false;
                try
                {
                    KeyDerivation.DeriveKey(ikm, salt, info, new byte[size]);
                }
                catch (ArgumentOutOfRangeException e) when (e.Message.Contains("8160", StringComparison.Ordinal))
                {
                    refused = true;
                }

                tally.Expect(refused, c, "an over-long output was not refused with our limit");
            }
        }

        tally.AssertComplete(output);
    }
}
