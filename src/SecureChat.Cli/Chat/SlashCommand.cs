// The commands typed at the prompt. A line is a command only where commands are read (a person at a
// terminal); a script's lines are all messages, slashes included. "//" at the start sends a line that
// begins with "/". A new command is one more CommandVerb, one more spelling here, one more case in ChatLoop.
namespace SecureChat.Cli.Chat;

/// <summary>What a command does.</summary>
public enum CommandVerb
{
    /// <summary>A command that does not exist.</summary>
    Unknown,

    /// <summary>/quit, /exit, /bye: leave.</summary>
    Quit,

    /// <summary>/help, /?: list the commands.</summary>
    Help,

    /// <summary>/send PATH: offer a file.</summary>
    Send,

    /// <summary>/accept [N]: accept a file offer.</summary>
    Accept,

    /// <summary>/reject [N]: decline a file offer.</summary>
    Reject,

    /// <summary>/verify: show the fingerprints and the safety number.</summary>
    Verify,

    /// <summary>/status: show the conversation's state.</summary>
    Status,

    /// <summary>/rekey: agree fresh keys now (protocol 2's rekey).</summary>
    Rekey,
}

/// <summary>A parsed command: its verb, the word typed (lower case) and the rest of the line.</summary>
/// <param name="Verb">What it does.</param>
/// <param name="Typed">The command word as typed, lower case (for <see cref="CommandVerb.Unknown"/>).</param>
/// <param name="Argument">The rest of the line, trimmed; empty if none.</param>
public sealed record SlashCommand(CommandVerb Verb, string Typed, string Argument)
{
    private static readonly Dictionary<string, CommandVerb> Spellings = new(StringComparer.Ordinal)
    {
        ["/quit"] = CommandVerb.Quit,
        ["/exit"] = CommandVerb.Quit,
        ["/bye"] = CommandVerb.Quit,
        ["/help"] = CommandVerb.Help,
        ["/?"] = CommandVerb.Help,
        ["/send"] = CommandVerb.Send,
        ["/accept"] = CommandVerb.Accept,
        ["/reject"] = CommandVerb.Reject,
        ["/verify"] = CommandVerb.Verify,
        ["/status"] = CommandVerb.Status,
        ["/rekey"] = CommandVerb.Rekey,
    };

    /// <summary>
    /// What a non-empty <paramref name="line"/> asks for: a command when <paramref name="commands"/> are read
    /// and it starts with one <c>/</c>; otherwise a message (one leading <c>/</c> of <c>//</c> removed).
    /// </summary>
    public static ChatInput Read(string line, bool commands)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!commands || !line.StartsWith('/'))
        {
            return new TextInput(line);
        }

        return line.StartsWith("//", StringComparison.Ordinal) ? new TextInput(line[1..]) : new CommandInput(Parse(line.Trim()));
    }

    /// <summary>Parses <paramref name="command"/>, a line starting with <c>/</c>: the verb is case-insensitive.</summary>
    public static SlashCommand Parse(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        string[] parts = command.Split(' ', 2, StringSplitOptions.TrimEntries);
        string typed = parts[0].ToLowerInvariant();
        return new SlashCommand(Spellings.GetValueOrDefault(typed, CommandVerb.Unknown), typed, parts.Length > 1 ? parts[1] : string.Empty);
    }
}
