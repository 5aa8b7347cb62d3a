// Byte strings travel as standard base64 (RFC 4648 section 4) with padding, in canonical form only: no
// whitespace, no escapes, no line breaks, and zero bits where the last character has bits to spare.
// Without the last rule two different strings decode to the same bytes, so a changed frame could pass
// unnoticed wherever the bytes (not the text) are authenticated.
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Framing;

/// <summary>Reads only canonical padded base64; writes it.</summary>
public sealed class CanonicalBase64Converter : JsonConverter<byte[]>
{
    /// <inheritdoc />
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            throw new JsonException("A byte string must be a plain base64 JSON string.");
        }

        ReadOnlySpan<byte> text = reader.ValueSpan;
        if (!IsCanonical(text))
        {
            throw new JsonException("A byte string is not canonical base64.");
        }

        byte[] bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length) - Padding(text)];
        if (Base64.DecodeFromUtf8(text, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            throw new JsonException("A byte string is not valid base64.");
        }

        return bytes;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBase64StringValue(value);
    }

    /// <summary>Whether <paramref name="text"/> is the one base64 spelling of some byte string.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        int padding = Padding(text);
        ReadOnlySpan<byte> data = text[..^padding];
        if (data.ContainsAnyExcept(Alphabet))
        {
            return false;
        }

        // The last data character carries 2 (one '=') or 4 (two '=') unused low bits, which must be zero.
        return padding switch
        {
            0 => true,
            1 => (Value(data[^1]) & 0x03) == 0,
            _ => (Value(data[^1]) & 0x0F) == 0,
        };
    }

    // Vectorised: a 64 KiB record is about 87,000 characters, and this check runs on every one.
    private static readonly SearchValues<byte> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    private static int Padding(ReadOnlySpan<byte> text) =>
        text.EndsWith("=="u8) ? 2 : text.EndsWith("="u8) ? 1 : 0;

    private static int Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        _ => -1,
    };
}
