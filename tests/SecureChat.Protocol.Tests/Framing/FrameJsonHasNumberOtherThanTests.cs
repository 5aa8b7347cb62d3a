using System.Text;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameJsonHasNumberOtherThanTests
{
    [Theory]
    [InlineData("""{"type":"hello","version":2,"suites":[]}""")]
    [InlineData("""{"version":0,"type":"hello"}""")]
    [InlineData("""{"version":-1}""")]
    [InlineData("""{"version":1.5}""")]
    [InlineData("""{"version":1e0}""")]
    [InlineData("""{"version":99999999999999999999999}""")]
    [InlineData("""{"type":"hello","extra":{"version":1},"version":2}""")]
    [InlineData("""{"suites":["a",{"version":1}],"version":2}""")]
    [InlineData("""{"\u0076ersion":2}""")]
    public void HasNumberOtherThan_TopLevelNumberThatDiffers_IsTrue(string json)
    {
        FrameJson.HasNumberOtherThan(Encoding.UTF8.GetBytes(json), "version", 1).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"type":"hello","version":1,"suites":[]}""")]
    [InlineData("""{"type":"hello"}""")]
    [InlineData("""{"type":"hello","extra":{"version":2}}""")]
    [InlineData("""{"type":"hello","extra":[{"version":2}]}""")]
    [InlineData("""{"Version":2}""")]
    [InlineData("""{"version":"2"}""")]
    [InlineData("""{"version":null}""")]
    [InlineData("""{"version":[2]}""")]
    [InlineData("""{"version":{"major":2}}""")]
    [InlineData("""[{"version":2}]""")]
    [InlineData("""2""")]
    [InlineData("")]
    [InlineData("""{"type":"hello",""")]
    [InlineData("""{"type":"hello","a":[[[[[1]]]]],"version":2}""")]
    public void HasNumberOtherThan_NoTopLevelNumberThatDiffers_IsFalse(string json)
    {
        FrameJson.HasNumberOtherThan(Encoding.UTF8.GetBytes(json), "version", 1).Should().BeFalse();
    }

    [Fact]
    public void HasNumberOtherThan_DeeplyNested_IsFalseWithoutThrowing()
    {
        string[] inputs = [new string('[', 100_000), "{\"a\":" + new string('[', 100_000), new string('{', 100_000)];

        foreach (string input in inputs)
        {
            FrameJson.HasNumberOtherThan(Encoding.UTF8.GetBytes(input), "version", 1).Should().BeFalse();
        }
    }

    [Fact]
    public void HasNumberOtherThan_NotUtf8_DoesNotThrow()
    {
        // A best-effort hint before the strict parse, which is the one that refuses such bytes.
        byte[][] inputs =
        [
            [0xFF, .. "{\"version\":2}"u8],
            [.. "{\""u8, 0xFF, .. "\":1,\"version\":2}"u8],
            [.. "{\"version\":2,\"a\":\""u8, 0xC3, .. "\"}"u8],
            [.. "{\"a\":\"\\ud800\",\"version\":2}"u8],
            [.. "{\"\\udc00\\ud800\":\"\",\"version\":2}"u8],
        ];

        foreach (byte[] input in inputs)
        {
            Action act = () => FrameJson.HasNumberOtherThan(input, "version", 1);

            act.Should().NotThrow();
        }
    }
}
