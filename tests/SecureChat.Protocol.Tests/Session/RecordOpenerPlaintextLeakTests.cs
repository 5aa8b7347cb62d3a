using System.Text;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// Found by the secret-hygiene fuzz run: a malformed inner message's failure quoted the decrypted plaintext
/// (System.Text.Json's inner exception, and the JSON path for an unknown member), and the apps log failures
/// at debug level, where message text must never appear.
/// </summary>
public sealed class RecordOpenerPlaintextLeakTests
{
    private const string Secret = "attack at dawn";

    [Theory]
    [InlineData("{\"kind\":\"text\",\"id\":1,\"sentAt\":1,\"text\":t\"attack at dawn\"}")]
    [InlineData("{\"kind\":\"text\",\"attack at dawn\":1}")]
    public void Defect_MalformedInnerMessage_FailureTextQuotedTheDecryptedPlaintext(string inner)
    {
        byte[] chainKey = Enumerable.Range(1, ChainKey.Size).Select(i => (byte)i).ToArray();
        byte[] plaintext = Encoding.UTF8.GetBytes(inner);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        using (var sending = new ChainKey(chainKey))
        {
            sending.Next(messageKey);
        }

        byte[] header = new byte[RecordHeader.Size];
        RecordHeader.Write(header, MessageSuite.AesCbcHmacSha256, Direction.InitiatorToResponder, 0);
        byte[] sealedBytes = MessageProtection.Create(MessageSuite.AesCbcHmacSha256, MessageProtection.DefaultPaddingBucket).Seal(messageKey, header, plaintext);
        byte[] payload = FrameJson.Encode(new RecordFrame(0, sealedBytes), ProtocolJsonContext.Default.RecordFrame)[FrameCodec.HeaderSize..];
        using var opener = new RecordOpener(new ChainKey(chainKey), MessageSuite.AesCbcHmacSha256, Direction.InitiatorToResponder);

        Action open = () => opener.Open(payload);

        // The apps log exactly this (ChatLoop: Log.FailureDetail at debug level).
        open.Should().Throw<ProtocolViolationException>().Which.ToString().Should().NotContain(Secret);
    }
}
