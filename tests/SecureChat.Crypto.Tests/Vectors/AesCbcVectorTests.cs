using System.Security.Cryptography;
using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// AES-CBC through <see cref="AesCbc"/>: Wycheproof aes_cbc_pkcs5_test.json (PKCS#7 padding, all key sizes)
/// and NIST SP 800-38A F.2.5/F.2.6 (AES-256, no padding). Sources: ../shared/vectors/*/SOURCE.md.
/// </summary>
public sealed class AesCbcVectorTests(ITestOutputHelper output)
{
    [VectorFact]
    public void Wycheproof_AesCbcPkcs5_AllCasesBehave()
    {
        var (cases, declared) = VectorFile.ReadWycheproof("aes_cbc_pkcs5_test.json");
        var tally = new VectorTally("aes_cbc_pkcs5_test.json", declared);
        foreach (WycheproofCase c in cases)
        {
            byte[] key = c.Bytes("key"), iv = c.Bytes("iv"), msg = c.Bytes("msg"), ct = c.Bytes("ct");
            byte[] decrypted = new byte[Math.Max(ct.Length, 16)];
            bool opened = AesCbc.TryDecrypt(key, iv, ct, decrypted, PaddingMode.PKCS7, out int written);
            if (c.IsValid)
            {
                byte[] encrypted = new byte[((msg.Length / 16) + 1) * 16];
                int length = AesCbc.Encrypt(key, iv, msg, encrypted, PaddingMode.PKCS7);
                tally.Expect(
                    encrypted.AsSpan(0, length).SequenceEqual(ct) && opened && decrypted.AsSpan(0, written).SequenceEqual(msg),
                    c,
                    "encryption or decryption differs from the expected value");
            }
            else
            {
                // Invalid and acceptable cases alike: the decryption must be refused and leave nothing behind.
                tally.Expect(!opened && written == 0 && decrypted.All(b => b == 0), c, "a bad padding was accepted");
            }
        }

        tally.AssertComplete(output);
    }

    [VectorFact]
    public void NistSp80038a_Aes256Cbc_EncryptsAndDecryptsTheFourBlocks()
    {
        IReadOnlyList<System.Text.Json.JsonElement> tests = VectorFile.ReadRfc("aes256CbcSp80038a");
        tests.Should().HaveCount(2);
        foreach (var t in tests)
        {
            byte[] key = t.Hex("key"), iv = t.Hex("iv"), plaintext = t.Hex("plaintext"), ciphertext = t.Hex("ciphertext");

            byte[] encrypted = new byte[plaintext.Length];
            AesCbc.Encrypt(key, iv, plaintext, encrypted, PaddingMode.None).Should().Be(64);
            encrypted.Should().Equal(ciphertext);

            byte[] decrypted = new byte[ciphertext.Length];
            AesCbc.TryDecrypt(key, iv, ciphertext, decrypted, PaddingMode.None, out int written).Should().BeTrue();
            decrypted.AsSpan(0, written).ToArray().Should().Equal(plaintext);

            // With PKCS#7 a fifth block of padding follows; the first four stay the published ones.
            byte[] padded = new byte[80];
            AesCbc.Encrypt(key, iv, plaintext, padded, PaddingMode.PKCS7).Should().Be(80);
            padded.AsSpan(0, 64).ToArray().Should().Equal(ciphertext);
        }

        output.WriteLine("NIST SP 800-38A F.2.5/F.2.6: 2 cases run");
    }
}
