using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

public class RandomIvBatchTests
{
    [Fact]
    public void Next_AcrossSeveralBatches_NeverRepeatsAnIv()
    {
        using var ivs = new RandomIvBatch();
        var seen = new HashSet<string>();
        byte[] iv = new byte[MessageProtection.IvSize];

        for (int i = 0; i < 1000; i++)
        {
            ivs.Next(iv);
            seen.Add(Convert.ToHexString(iv)).Should().BeTrue($"IV {i} must be fresh");
        }
    }

    [Fact]
    public void Next_WrongSize_Throws()
    {
        using var ivs = new RandomIvBatch();
        Action act = () => ivs.Next(new byte[8]);
        act.Should().Throw<ArgumentException>();
    }
}
