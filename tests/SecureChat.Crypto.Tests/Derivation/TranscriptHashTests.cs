using System.Security.Cryptography;
using SecureChat.Crypto.Derivation;

namespace SecureChat.Crypto.Tests.Derivation;

public sealed class TranscriptHashTests
{
    [Fact]
    public void GetCurrentHash_AfterParts_EqualsSha256OfTheirConcatenation()
    {
        using var transcript = new TranscriptHash();
        transcript.Append("abc"u8);
        transcript.Append("def"u8);

        transcript.GetCurrentHash().Should().Equal(SHA256.HashData("abcdef"u8));
    }

    [Fact]
    public void GetCurrentHash_ReadMidway_DoesNotEndTheTranscript()
    {
        using var transcript = new TranscriptHash();
        transcript.Append("abc"u8);
        byte[] first = transcript.GetCurrentHash();
        transcript.Append("def"u8);

        first.Should().Equal(SHA256.HashData("abc"u8));
        transcript.GetCurrentHash().Should().Equal(SHA256.HashData("abcdef"u8));
    }

    [Fact]
    public void GetCurrentHash_EmptyTranscript_IsSha256OfNothing()
    {
        using var transcript = new TranscriptHash();

        // FIPS 180-4 example: SHA-256 of the empty string.
        Convert.ToHexStringLower(transcript.GetCurrentHash())
            .Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void GetCurrentHash_WrongDestinationSize_Throws()
    {
        using var transcript = new TranscriptHash();

        FluentActions.Invoking(() => transcript.GetCurrentHash(new byte[31])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Append_AfterDispose_Throws()
    {
        var transcript = new TranscriptHash();
        transcript.Dispose();

        FluentActions.Invoking(() => transcript.Append("x"u8)).Should().Throw<ObjectDisposedException>();
    }
}
