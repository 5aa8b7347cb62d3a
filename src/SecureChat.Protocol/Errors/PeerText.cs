using System.Globalization;
using System.Text;

namespace SecureChat.Protocol.Errors;

/// <summary>
/// Quotes text the peer chose (a frame type, a suite name) for an error message, so that terminal escape
/// sequences and walls of text sent by an attacker never reach a screen or a log through an exception.
/// </summary>
public static class PeerText
{
    /// <summary>The most characters of peer text an error message shows.</summary>
    public const int MaxShown = 32;

    /// <summary>The text in double quotes, with anything not plainly printable as <c>\uXXXX</c>, cut to <see cref="MaxShown"/> characters.</summary>
    public static string Quote(string? text)
    {
        if (text is null)
        {
            return "null";
        }

        var quoted = new StringBuilder("\"");
        foreach (char c in text.Length > MaxShown ? text[..MaxShown] : text)
        {
            bool printable = c is >= ' ' and <= '~' and not '"' and not '\\'
                || (c > '~' && char.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format
                    or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned));
            quoted.Append(printable ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return quoted.Append(text.Length > MaxShown ? "\"…" : "\"").ToString();
    }
}
