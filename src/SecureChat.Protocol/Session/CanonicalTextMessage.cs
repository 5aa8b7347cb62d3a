// The fast way in and out for the one inner message sent per line, {"kind":"text","id":…,"sentAt":…,"text":…}
// (docs/protocol.md, "Inner messages"). Out: the same bytes the source-generated serialiser writes for
// that InnerMessage, written straight to the JSON writer without making the message first. In: the members
// in exactly that order and nothing else are read with the JSON reader alone, where the serialiser's path
// for a 17-parameter constructor boxes every argument; any other spelling (reordered, duplicated, unknown
// or null members, a number the reader will not take as an integer) goes through the serialiser as before,
// so what the session accepts does not change, only what it costs (issue 19).
using System.Text.Json;

namespace SecureChat.Protocol.Session;

internal static class CanonicalTextMessage
{
    /// <summary>Writes the text message as the serialiser writes <c>new InnerMessage("text", id, sentAt, text)</c>.</summary>
    public static void Write(Utf8JsonWriter json, ulong id, long sentAt, string text)
    {
        json.WriteStartObject();
        json.WriteString("kind"u8, "text"u8);
        json.WriteNumber("id"u8, id);
        json.WriteNumber("sentAt"u8, sentAt);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>
    /// Whether <paramref name="plaintext"/> is a text message with exactly its three members in the canonical
    /// order; then the message the serialiser would have read from it. False for anything else, valid or not.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> plaintext, out InnerMessage? message)
    {
        message = null;
        try
        {
            var reader = new Utf8JsonReader(plaintext);
            if (!(reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && ReadName(ref reader, "kind"u8) && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("text"u8)
                && ReadName(ref reader, "id"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out ulong id)
                && ReadName(ref reader, "sentAt"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long sentAt)
                && ReadName(ref reader, "text"u8) && reader.Read() && reader.TokenType == JsonTokenType.String))
            {
                return false;
            }

            string text = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            message = new InnerMessage(InnerMessage.TextKind, Id: id, SentAt: sentAt, Text: text);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON or invalid UTF-8: the serialiser reads it again and reports it.
            return false;
        }
    }

    private static bool ReadName(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name);
}
