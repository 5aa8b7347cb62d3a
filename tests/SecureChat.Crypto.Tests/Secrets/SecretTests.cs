using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Tests.Secrets;

public class SecretTests
{
    private static readonly byte[] Known = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    [Fact]
    public void Random_TwoSecrets_AreDifferent()
    {
        using var first = Secret.Random(32);
        using var second = Secret.Random(32);

        first.Length.Should().Be(32);
        first.Span.ToArray().Should().NotEqual(second.Span.ToArray());
        first.Span.ToArray().Should().NotEqual(new byte[32]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Random_LengthNotPositive_ThrowsArgumentOutOfRangeException(int length)
    {
        Action act = () => Secret.Random(length).Dispose();

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Copy_SourceChangedAfterwards_SecretKeepsTheOriginalBytes()
    {
        byte[] source = (byte[])Known.Clone();
        using var secret = Secret.Copy(source);

        Array.Clear(source);

        secret.Span.ToArray().Should().Equal(Known);
    }

    [Fact]
    public void Copy_SecretDisposed_SourceIsNotWiped()
    {
        byte[] source = (byte[])Known.Clone();
        var secret = Secret.Copy(source);

        secret.Dispose();

        source.Should().Equal(Known);
    }

    [Fact]
    public void Span_AfterDispose_ThrowsObjectDisposedException()
    {
        var secret = Secret.Copy(Known);
        secret.Dispose();

        Action act = () => _ = secret.Span.Length;

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void FixedTimeEquals_AfterDispose_ThrowsObjectDisposedException()
    {
        var secret = Secret.Copy(Known);
        secret.Dispose();

        Action act = () => secret.FixedTimeEquals(Known);

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrow()
    {
        var secret = Secret.Random(16);
        secret.Dispose();

        Action act = secret.Dispose;

        act.Should().NotThrow();
    }

    [Fact]
    public void FixedTimeEquals_SameAndOtherBytes_AnswersCorrectly()
    {
        using var secret = Secret.Copy(Known);

        secret.FixedTimeEquals(Known).Should().BeTrue();
        secret.FixedTimeEquals(Tampering.FlipBit(Known, 255)).Should().BeFalse();
        secret.FixedTimeEquals(Known.AsSpan(0, 31)).Should().BeFalse();
    }

    [Fact]
    public void ToString_KnownValue_ShowsLengthButNotTheBytes()
    {
        using var secret = Secret.Copy(Known);

        string text = secret.ToString();

        text.Should().Contain("32");
        text.ShouldNotReveal(Known);
    }
}
