// The JSON layer above the framer: find a payload's type, parse it strictly into the expected message,
// or serialise a message into a whole frame. Every parsing failure becomes a ProtocolViolationException,
// whatever System.Text.Json threw.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Framing;

/// <summary>Parses and writes the JSON payloads of frames.</summary>
public static class FrameJson
{
    private const int MaxDepth = 4;

    /// <summary>
    /// The value of the top-level <c>type</c> field of a payload, which must be one JSON object with
    /// exactly one string <c>type</c> field.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The payload is not such an object.</exception>
    public static string ReadType(ReadOnlySpan<byte> payload)
    {
        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            // Utf8JsonReader checks only the strings it decodes; the specification wants all of it UTF-8.
            throw new ProtocolViolationException("A frame is not valid UTF-8.");
        }

        string? type = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolViolationException("A frame is not a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType)
                {
                    if (type is not null || reader.TokenType != JsonTokenType.String)
                    {
                        throw new ProtocolViolationException("A frame's type field is repeated or not a string.");
                    }

                    type = reader.GetString();
                }

                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new ProtocolViolationException("A frame has bytes after its JSON object.");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a type string that is not valid UTF-8 or UTF-16.
            throw new ProtocolViolationException($"A frame is not valid JSON{Where(e)}.", e);
        }

        return type ?? throw new ProtocolViolationException("A frame has no type field.");
    }

    /// <summary>
    /// Whether the top-level member <paramref name="name"/> of a JSON object is a number other than
    /// <paramref name="expected"/>; read before a strict parse so that a hello from a later protocol
    /// version, whose fields differ, is still recognised.
    /// </summary>
    public static bool HasNumberOtherThan(ReadOnlySpan<byte> payload, string name, long expected)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(name);
                reader.Read();
                if (match)
                {
                    // Any number but the expected one, however large or fractional, is another version.
                    return reader.TokenType == JsonTokenType.Number && !(reader.TryGetInt64(out long value) && value == expected);
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed (InvalidOperationException: an escaped name that is not valid UTF-16): the strict parse will say how.
        }

        return false;
    }

    /// <summary>Parses a payload into <typeparamref name="T"/>, refusing anything but an exact match.</summary>
    /// <exception cref="ProtocolViolationException">The payload is malformed or does not match.</exception>
    public static T Parse<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(payload, typeInfo)
                ?? throw new ProtocolViolationException("A frame is JSON null.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ProtocolViolationException($"A frame is malformed{Where(e)}.", e);
        }
    }

    /// <summary>
    /// Where a parse failed, for an error message: the JSON path (quoted safely: its member names are the
    /// peer's) and the byte position. The inner exception keeps System.Text.Json's own words.
    /// </summary>
    internal static string Where(Exception e) => e is JsonException { Path: { } path } json
        ? $" at {PeerText.Quote(path)}, byte {json.BytePositionInLine ?? 0}"
        : string.Empty;

    /// <summary>Serialises <paramref name="message"/> into a whole frame, prefix included.</summary>
    public static byte[] Encode<T>(T message, JsonTypeInfo<T> typeInfo) =>
        FrameCodec.Encode(JsonSerializer.SerializeToUtf8Bytes(message, typeInfo));

    /// <summary>Parses an abort frame into the exception it stands for.</summary>
    public static PeerAbortedException ParseAbort(ReadOnlySpan<byte> payload)
    {
        AbortFrame abort = Parse(payload, ProtocolJsonContext.Default.AbortFrame);
        return new PeerAbortedException(AbortReasons.FromWireName(abort.Reason));
    }

    /// <summary>An abort frame for <paramref name="reason"/>.</summary>
    public static byte[] EncodeAbort(AbortReason reason) =>
        Encode(new AbortFrame(AbortReasons.ToWireName(reason)), ProtocolJsonContext.Default.AbortFrame);
}
