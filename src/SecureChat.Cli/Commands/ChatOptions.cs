// How the command line's values are read: each option's name is spelled once (where it is made), its
// errors name it from there, and the words of the word-valued options (--trust, --suite, --verbosity) are
// spelled once, in one table each, which both the parser and --help read.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Files;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Protection;

namespace SecureChat.Cli.Commands;

/// <summary>Builders and value tables for the options of <see cref="ChatCommand"/>.</summary>
internal static class ChatOptions
{
    /// <summary>The words of --trust.</summary>
    public static readonly IReadOnlyDictionary<string, TrustPolicy> TrustWords = new Dictionary<string, TrustPolicy>(StringComparer.Ordinal)
    {
        ["ask"] = TrustPolicy.Ask,
        ["accept-new"] = TrustPolicy.AcceptNew,
        ["strict"] = TrustPolicy.Strict,
    };

    /// <summary>The words of --suite.</summary>
    public static readonly IReadOnlyDictionary<string, MessageSuite> SuiteWords = new Dictionary<string, MessageSuite>(StringComparer.Ordinal)
    {
        ["hmac-sha256"] = MessageSuite.AesCbcHmacSha256,
        ["blake2b"] = MessageSuite.AesCbcBlake2b256,
    };

    /// <summary>The words of --verbosity.</summary>
    public static readonly IReadOnlyDictionary<string, LogLevel> VerbosityWords = new Dictionary<string, LogLevel>(StringComparer.Ordinal)
    {
        ["trace"] = LogLevel.Trace,
        ["debug"] = LogLevel.Debug,
        ["information"] = LogLevel.Information,
        ["warning"] = LogLevel.Warning,
        ["error"] = LogLevel.Error,
        ["critical"] = LogLevel.Critical,
        ["none"] = LogLevel.None,
    };

    /// <summary>An option whose value is one of <paramref name="words"/>; its value is the word (mapped with the same table).</summary>
    public static Option<string> Word<T>(string name, IReadOnlyDictionary<string, T> words, string description, string? defaultWord = null)
    {
        var option = new Option<string>(name) { Description = description };
        if (defaultWord is not null)
        {
            option.DefaultValueFactory = _ => defaultWord;
        }

        option.AcceptOnlyFromAmong([.. words.Keys]);
        return option;
    }

    /// <summary>
    /// A whole number from <paramref name="min"/> to <paramref name="max"/>; anything else (a word included)
    /// is one plain error naming the option, not a .NET type.
    /// </summary>
    public static Option<int> Integer(string name, int min, int max, string description, int defaultValue, params string[] aliases)
    {
        var option = new Option<int>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = r => ParseInteger(r, name, min, max) ?? defaultValue;
        return option;
    }

    /// <summary>As <see cref="Integer"/>, with no value when the option is not given.</summary>
    public static Option<int?> OptionalInteger(string name, int min, int max, string description, string rule)
    {
        var option = new Option<int?>(name) { Description = description };
        option.CustomParser = r => ParseInteger(r, name, min, max, $"{name} {rule}");
        return option;
    }

    /// <summary>A number of seconds from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<double?> Seconds(string name, double min, double max, string description)
    {
        var option = new Option<double?>(name) { Description = description };
        option.CustomParser = r =>
        {
            if (double.TryParse(Token(r), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && !double.IsNaN(value) && value >= min && value <= max)
            {
                return value;
            }

            r.AddError($"{name} must be {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} seconds.");
            return null;
        };
        return option;
    }

    /// <summary>A size in bytes, with decimal or binary units; <paramref name="allowZero"/> says whether 0 is one.</summary>
    public static Option<long?> Size(string name, string description, bool allowZero)
    {
        var option = new Option<long?>(name) { Description = description, HelpName = "SIZE" };
        option.CustomParser = r =>
        {
            if (ByteSize.TryParse(Token(r), out long bytes) && (allowZero ? bytes >= 0 : bytes > 0))
            {
                return bytes;
            }

            r.AddError($"{name} must be a size such as 500MB, 2GiB or 1048576.");
            return null;
        };
        return option;
    }

    /// <summary>
    /// A timeout in seconds, hidden from --help: the protocol's defaults suit people; shorter ones let tests
    /// (and unusual networks) see a dead peer, a stalled caller or a lost frame in a second.
    /// </summary>
    public static Option<double?> HiddenTimeout(string name, string description)
    {
        Option<double?> option = Seconds(name, 0.003, 86_400, description);
        option.Hidden = true;
        return option;
    }

    /// <summary>The option's single token, or empty.</summary>
    public static string Token(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;

    /// <summary>The option's value, or <paramref name="fallback"/> when it did not even convert (already reported).</summary>
    public static T ValueOr<T>(OptionResult result, T fallback)
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return fallback;
        }
    }

    private static int? ParseInteger(ArgumentResult result, string name, int min, int max, string? rule = null)
    {
        if (int.TryParse(Token(result), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(rule ?? $"{name} must be {min} to {max}.");
        return null;
    }
}
