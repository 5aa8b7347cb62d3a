using System.Globalization;
using System.Text;

namespace SecureChat.Cli.Views;

/// <summary>
/// Makes a peer's text safe to print: control, format and separator characters (escape sequences, bidi
/// overrides, line breaks) are shown as <c>\uXXXX</c> instead of acting on the terminal.
/// </summary>
public static class SafeText
{
    /// <summary>The text with every character that could act on a terminal made visible.</summary>
    public static string ForTerminal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? safe = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool harmful = char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])));
            if (harmful)
            {
                safe ??= new StringBuilder(text, 0, i, text.Length + 16);
                safe.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                safe?.Append(c);
            }
        }

        return safe?.ToString() ?? text;
    }
}
