using System.Text;

namespace SecureChat.Protocol.Tests.Handshake;

/// <summary>
/// The deterministic example in docs/protocol.md: a block of <c>name = value</c> lines between two HTML
/// comments. Long values continue on following lines indented by spaces. Values are lowercase hex,
/// except those written in double quotes, which are UTF-8 text.
/// </summary>
internal static class ExampleBlock
{
    public const string Begin = "<!-- example:begin -->";
    public const string End = "<!-- example:end -->";

    /// <summary>
    /// The docs/protocol.md of this checkout, found by walking up from the test assembly, or else from
    /// this source file (for builds whose output lives outside the checkout, as with --artifacts-path).
    /// </summary>
    public static string? FindSpecification([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "docs", "protocol.md");
                if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "SecureChat.sln")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static List<KeyValuePair<string, string>> Parse(string markdown)
    {
        int begin = markdown.IndexOf(Begin, StringComparison.Ordinal);
        int end = markdown.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidDataException($"The specification has no {Begin} … {End} block.");
        }

        var entries = new List<KeyValuePair<string, string>>();
        foreach (string raw in markdown[(begin + Begin.Length)..end].Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith(' '))
            {
                KeyValuePair<string, string> last = entries[^1];
                entries[^1] = new(last.Key, last.Value + line.Trim());
                continue;
            }

            int equals = line.IndexOf(" = ", StringComparison.Ordinal);
            entries.Add(new(line[..equals].Trim(), line[(equals + 3)..].Trim()));
        }

        return entries;
    }

    public static string Format(IEnumerable<KeyValuePair<string, string>> entries, int width = 96)
    {
        var text = new StringBuilder();
        text.AppendLine("```text");
        foreach ((string name, string value) in entries)
        {
            string head = $"{name} = ";
            if (value.StartsWith('"') || head.Length + value.Length <= width)
            {
                text.Append(head).AppendLine(value);
                continue;
            }

            text.Append(head).AppendLine(value[..(width - head.Length)]);
            for (int at = width - head.Length; at < value.Length; at += width - 4)
            {
                text.Append("    ").AppendLine(value.Substring(at, Math.Min(width - 4, value.Length - at)));
            }
        }

        text.AppendLine("```");
        return text.ToString();
    }
}
