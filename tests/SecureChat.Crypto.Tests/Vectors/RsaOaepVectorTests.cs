using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// RSA-OAEP-SHA256 (MGF1-SHA256) decryption through <see cref="IdentityKey"/>: Wycheproof 2048- and 3072-bit files.
/// .NET's OAEP has no label parameter and SecureChat never uses one, so the cases with a non-empty label
/// are counted as not applicable, never dropped.
/// </summary>
public sealed class RsaOaepVectorTests(ITestOutputHelper output)
{
    [VectorTheory]
    [InlineData("rsa_oaep_2048_sha256_mgf1sha256_test.json")]
    [InlineData("rsa_oaep_3072_sha256_mgf1sha256_test.json")]
    public void Wycheproof_RsaOaepSha256_AllCasesBehave(string fileName)
    {
        var (cases, declared) = VectorFile.ReadWycheproof(fileName);
        var tally = new VectorTally(fileName, declared);
        foreach (var group in cases.GroupBy(c => c.Group.GetProperty("privateKeyPkcs8").GetString()))
        {
            using IdentityKey key = IdentityKey.ImportPkcs8(Convert.FromHexString(group.Key!));
            foreach (WycheproofCase c in group)
            {
                if (c.Bytes("label").Length != 0)
                {
                    tally.NotApplicable("OAEP label: .NET has none, SecureChat uses none");
                    continue;
                }

                byte[] ct = c.Bytes("ct"), msg = c.Bytes("msg");
                byte[] plaintext = new byte[key.PublicKey.KeySizeBits / 8];
                bool opened = key.TryDecryptOaep(ct, plaintext, out int written);
                if (c.IsValid)
                {
                    tally.Expect(opened && plaintext.AsSpan(0, written).SequenceEqual(msg), c, "a valid ciphertext did not decrypt to the message");
                    if (msg.Length == IdentityKey.WrappedSecretSize)
                    {
                        // A 32-byte message is exactly what Unwrap takes: it must agree.
                        using var secret = key.Unwrap(ct);
                        secret.Span.SequenceEqual(msg).Should().BeTrue($"{c} through Unwrap");
                    }
                    else
                    {
                        key.TryUnwrap(ct, new byte[IdentityKey.WrappedSecretSize]).Should().BeFalse($"{c}: Unwrap takes 32-byte secrets only");
                    }
                }
                else
                {
                    bool unwrapped = key.TryUnwrap(ct, new byte[IdentityKey.WrappedSecretSize]);
                    tally.Expect(!opened && !unwrapped && written == 0, c, "an invalid ciphertext was accepted");
                    Action unwrap = () => key.Unwrap(ct);
                    unwrap.Should().Throw<AuthenticationFailedException>().WithMessage("Authentication failed*", "every unwrap failure looks the same");
                }
            }
        }

        tally.AssertComplete(output);
    }
}
