using System.Text;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Message texts of exact UTF-8 sizes: ASCII, so one byte per character.</summary>
internal static class ChatText
{
    /// <summary>The size of a chat line in the latency and message-rate figures.</summary>
    public const int ChatMessageBytes = 100;

    /// <summary>The size of a bulk message: SecureSession.MaxTextBytes, the most one message may carry.</summary>
    public const int BulkMessageBytes = Protocol.Session.SecureSession.MaxTextBytes;

    private const string Sentence = "Meet me by the old mill at six; bring the map, the blue notebook and two torches. ";

    /// <summary>A readable ASCII text of exactly <paramref name="bytes"/> bytes.</summary>
    public static string Ascii(int bytes)
    {
        var text = new StringBuilder(bytes + Sentence.Length);
        while (text.Length < bytes)
        {
            text.Append(Sentence);
        }

        return text.ToString(0, bytes);
    }
}
