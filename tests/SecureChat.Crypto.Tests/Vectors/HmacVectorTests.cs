using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// HMAC-SHA256 through <see cref="MacAlgorithm.HmacSha256"/>: Wycheproof hmac_sha256_test.json and RFC 4231.
/// SecureChat only ever accepts full 32-byte tags, so for the 128-bit-tag groups the computed tag's first
/// 16 bytes are compared, and the truncated tag itself must be refused by <see cref="MacAlgorithm.Verify"/>.
/// </summary>
public sealed class HmacVectorTests(ITestOutputHelper output)
{
    [VectorFact]
    public void Wycheproof_HmacSha256_AllCasesBehave()
    {
        var (cases, declared) = VectorFile.ReadWycheproof("hmac_sha256_test.json");
        var tally = new VectorTally("hmac_sha256_test.json", declared);
        MacAlgorithm mac = MacAlgorithm.HmacSha256;
        foreach (WycheproofCase c in cases)
        {
            byte[] key = c.Bytes("key"), msg = c.Bytes("msg"), tag = c.Bytes("tag");
            int tagBytes = c.GroupInt("tagSize") / 8;
            byte[] computed = new byte[MacAlgorithm.TagSize];
            mac.Compute(key, msg, computed);
            bool prefixMatches = computed.AsSpan(0, tagBytes).SequenceEqual(tag);
            bool verifies = mac.Verify(key, msg, tag);

            if (tagBytes == MacAlgorithm.TagSize)
            {
                tally.Expect(c.IsValid ? prefixMatches && verifies : !verifies, c, c.IsValid ? "a valid tag was refused" : "a modified tag was accepted");
            }
            else
            {
                // Truncated tags: never accepted as tags, whatever the case says.
                tally.Expect(!verifies && (c.IsValid ? prefixMatches : !prefixMatches), c, "truncated tag handled wrongly");
            }
        }

        tally.AssertComplete(output);
    }

    [VectorFact]
    public void Rfc4231_HmacSha256_AllSevenCasesMatch()
    {
        var tests = VectorFile.ReadRfc("hmacSha256Rfc4231");
        tests.Should().HaveCount(7);
        foreach (var t in tests)
        {
            byte[] key = t.Hex("key"), data = t.Hex("data"), mac = t.Hex("mac");
            byte[] computed = new byte[MacAlgorithm.TagSize];
            MacAlgorithm.HmacSha256.Compute(key, data, computed);
            computed.AsSpan(0, mac.Length).ToArray().Should().Equal(mac, $"RFC 4231 test case {t.GetProperty("tcId")}");
            MacAlgorithm.HmacSha256.Verify(key, data, mac).Should().Be(mac.Length == MacAlgorithm.TagSize, "only full-length tags verify");
        }

        output.WriteLine("RFC 4231 HMAC-SHA256: 7 cases run (test case 5 compares the 128-bit prefix)");
    }
}
