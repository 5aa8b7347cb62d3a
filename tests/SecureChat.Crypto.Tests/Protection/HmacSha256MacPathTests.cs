using System.Security.Cryptography;
using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

// The HMAC of three parts takes one of three paths by length (joined on the stack, joined in a pooled
// buffer, streamed; issue 19): each must give the HMAC of the parts joined, at and across its bounds.
public class HmacSha256MacPathTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(49_500)]
    [InlineData(128 * 1024)]
    [InlineData((128 * 1024) + 1)]
    [InlineData(300_000)]
    public void ComputeCore_ThreeParts_IsTheHmacOfThePartsJoined(int length)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] data = RandomNumberGenerator.GetBytes(length);
        byte[] tag = new byte[MacAlgorithm.TagSize];

        MacAlgorithm.HmacSha256.ComputeCore(key, data.AsSpan(0, 8), data.AsSpan(8, 20), data.AsSpan(28), tag);

        tag.Should().Equal(HMACSHA256.HashData(key, data));
        MacAlgorithm.HmacSha256.VerifyCore(key, data.AsSpan(0, 8), data.AsSpan(8, 20), data.AsSpan(28), tag).Should().BeTrue();
    }
}
