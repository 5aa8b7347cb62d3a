// A JSON array of strings with no null element. System.Text.Json's nullable-annotation checks stop at
// the list itself, so without this a null inside the suite offer would pass the strict parse.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Framing;

/// <summary>Reads an array of non-null strings; writes it.</summary>
public sealed class StringListConverter : JsonConverter<IReadOnlyList<string>>
{
    /// <summary>More elements than this is not a list a peer needs to send.</summary>
    public const int MaxElements = 64;

    /// <inheritdoc />
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of strings.");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String || items.Count == MaxElements)
            {
                throw new JsonException($"Expected at most {MaxElements} strings, none null.");
            }

            items.Add(reader.GetString()!);
        }

        return items;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (string item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}
