using SecureChat.Protocol.Handshake.Names;

namespace SecureChat.Protocol.Handshake;

/// <summary>
/// The rules for the display name each side announces in its hello (docs/protocol.md, "Names"), decided by
/// the Unicode 16.0 tables this project pins (Unicode TR39), never by the platform's own Unicode version:
/// 1 to 64 UTF-16 code units of well-formed text; words of Identifier_Status=Allowed code points separated by
/// single spaces; and no mix of scripts beyond TR39's "moderately restrictive" level. So invisible and
/// default-ignorable characters, bidi controls and lookalike mixes such as "bоb" with a Cyrillic о are refused.
/// </summary>
public static class PeerName
{
    /// <summary>The longest name, in UTF-16 code units.</summary>
    public const int MaxLength = 64;

    /// <summary>The Unicode version whose tables decide (pinned by the specification).</summary>
    public const string UnicodeVersion = UnicodeSecurityData.UnicodeVersion;

    /// <summary>Whether <paramref name="name"/> may be announced.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Why <paramref name="name"/> may not be announced, in one sentence for the user; null when it may.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return $"A name is 1 to {MaxLength} characters.";
        }

        if (UnicodeSecurity.CodePoints(name) is not { } codePoints)
        {
            return "A name is well-formed text (this one has a lone surrogate).";
        }

        if (codePoints[0] == ' ' || codePoints[^1] == ' ' || name.Contains("  ", StringComparison.Ordinal))
        {
            return "A name has no space at either end and single spaces between words.";
        }

        var letters = new List<int>(codePoints.Count);
        foreach (int codePoint in codePoints)
        {
            if (codePoint == ' ')
            {
                continue;
            }

            if (UnicodeSecurity.IsDefaultIgnorable(codePoint))
            {
                return $"A name has no invisible or formatting characters (bidi controls, fillers, joiners); {UnicodeSecurity.Describe(codePoint)} is one.";
            }

            if (!UnicodeSecurity.IsAllowed(codePoint))
            {
                return $"A name uses letters, digits and marks that Unicode {UnicodeVersion} allows in identifiers (TR39); {UnicodeSecurity.Describe(codePoint)} is not one.";
            }

            letters.Add(codePoint);
        }

        return UnicodeSecurity.MixedScripts(letters) is { } mixed
            ? $"A name does not mix scripts that could make it look like another name (Unicode TR39, moderately restrictive); this one mixes {mixed}."
            : null;
    }

    /// <summary>Throws unless <paramref name="name"/> is valid; the message says why.</summary>
    public static string Validate(string? name, string paramName) =>
        Problem(name) is { } problem ? throw new ArgumentException(problem, paramName) : name!;

    /// <summary>
    /// The confusable skeleton of a valid name (Unicode TR39 §4): two names with the same skeleton look alike
    /// and are treated as one name when deciding whom to trust.
    /// </summary>
    public static string Skeleton(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return UnicodeSecurity.Skeleton(name);
    }
}
