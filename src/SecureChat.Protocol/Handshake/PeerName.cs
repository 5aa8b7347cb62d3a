using System.Buffers;
using System.Globalization;
using System.Text;

namespace SecureChat.Protocol.Handshake;

/// <summary>
/// The rules for the display name each side announces in its hello: 1 to 64 characters of well-formed
/// text, no control, format or line-separator characters (which could rewrite a terminal or reorder
/// text on screen), and no space at either end.
/// </summary>
public static class PeerName
{
    /// <summary>The longest name, in UTF-16 code units.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="name"/> may be announced.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name.Trim().Length != name.Length)
        {
            return false;
        }

        ReadOnlySpan<char> rest = name;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int used) != OperationStatus.Done)
            {
                return false; // a lone surrogate
            }

            rest = rest[used..];
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="name"/> is valid.</summary>
    public static string Validate(string? name, string paramName) =>
        IsValid(name) ? name! : throw new ArgumentException(
            "A name is 1 to 64 characters, with no control or formatting characters and no space at either end.", paramName);
}
