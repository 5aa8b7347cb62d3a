using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Every byte of a sealed record frame, flipped one at a time, is rejected by the record layer.</summary>
public sealed class RecordTamperingTests
{
    private static readonly byte[] ChainSeed = Enumerable.Range(1, ChainKey.Size).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(MessageSuite.AesCbcHmacSha256)]
    [InlineData(MessageSuite.AesCbcBlake2b256)]
    public void Open_EveryByteOfARecordFrameFlipped_IsRejected(MessageSuite suite)
    {
        byte[] frame = SealText(suite, "meet me at noon");
        Open(suite, frame).Text.Should().Be("meet me at noon", "the untouched frame opens");

        for (int position = 0; position < frame.Length; position++)
        {
            byte[] tampered = frame.ToArray();
            tampered[position] ^= 0x01;

            Action open = () => Open(suite, tampered);

            open.Should().Throw<SessionException>($"byte {position} of {frame.Length} was flipped")
                .Which.Should().Match(e => e is IntegrityException || e is ProtocolViolationException || e is SessionTimeoutException);
        }
    }

    [Fact]
    public void Open_RecordSealedForTheOtherDirection_IsRejected()
    {
        using var sealer = new RecordSealer(new ChainKey(ChainSeed), MessageSuite.AesCbcHmacSha256, Direction.ResponderToInitiator, HandshakeEntropy.System);
        byte[] frame = sealer.Seal(new InnerMessage(InnerMessage.PingKind));

        FluentActions.Invoking(() => Open(MessageSuite.AesCbcHmacSha256, frame)).Should().Throw<IntegrityException>();
    }

    [Fact]
    public void Open_RecordSealedUnderTheOtherSuite_IsRejected()
    {
        byte[] frame = SealText(MessageSuite.AesCbcBlake2b256, "hi");

        FluentActions.Invoking(() => Open(MessageSuite.AesCbcHmacSha256, frame)).Should().Throw<IntegrityException>();
    }

    [Fact]
    public void Open_AuthenticRecordNotPaddedToTheBucket_IsAViolation()
    {
        // Sealed with the right key and header but without the 160-byte bucket: only a non-conforming
        // peer could send it, and its length would leak what the bucket hides.
        using var chain = new ChainKey(ChainSeed);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        chain.Next(messageKey);
        byte[] header = new byte[RecordHeader.Size];
        RecordHeader.Write(header, MessageSuite.AesCbcHmacSha256, Direction.InitiatorToResponder, 0);
        byte[] sealedBytes = MessageProtection.Create(MessageSuite.AesCbcHmacSha256).Seal(messageKey, header, """{"kind":"ping"}"""u8);
        byte[] frame = FrameJson.Encode(new RecordFrame(0, sealedBytes), ProtocolJsonContext.Default.RecordFrame);

        FluentActions.Invoking(() => Open(MessageSuite.AesCbcHmacSha256, frame))
            .Should().Throw<ProtocolViolationException>().WithMessage("*bucket*");
    }

    [Fact]
    public void Seal_ShortAndLongerTexts_PadToTheSameBucket()
    {
        SealText(MessageSuite.AesCbcHmacSha256, "hi").Length.Should().Be(SealText(MessageSuite.AesCbcHmacSha256, "hello, how are you today?").Length);
    }

    private static byte[] SealText(MessageSuite suite, string text)
    {
        using var sealer = new RecordSealer(new ChainKey(ChainSeed), suite, Direction.InitiatorToResponder, HandshakeEntropy.System);
        return sealer.Seal(new InnerMessage(InnerMessage.TextKind, Id: 1, SentAt: 1_700_000_000_000, Text: text));
    }

    /// <summary>What a receiver does with the bytes: frame them, then open the record.</summary>
    private static InnerMessage Open(MessageSuite suite, byte[] wire)
    {
        Frame frame = Received.SingleFrame(wire, FrameCodec.DefaultMaxSessionPayload);

        using var opener = new RecordOpener(new ChainKey(ChainSeed), suite, Direction.InitiatorToResponder);
        return opener.Open(frame.Payload.Span);
    }
}
