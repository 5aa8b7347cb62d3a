// The entry point the two apps share: parse, then invoke the command. Program.cs of User1 and User2 is
// one line that calls RunAsync with its role.
using System.CommandLine;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Network;

namespace SecureChat.Cli;

/// <summary>Runs User1 or User2.</summary>
public static class ChatApplication
{
    /// <summary>Parses <paramref name="args"/>, runs what they ask for, and returns the exit code.</summary>
    public static async Task<int> RunAsync(ChatRole role, string[] args, ChatConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        SocketTuning.PreferInlineCompletions();
        var command = new ChatCommand(role, console);
        ParseResult parse = command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                await console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            Failure usage = Failures.BadUsage($"Try '{command.ProgramName} --help'.");
            await console.Error.WriteLineAsync(usage.Sentence).ConfigureAwait(false);
            return usage.ExitCode;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(15), // longer than a goodbye may take (the frame timeout)
        }).ConfigureAwait(false);
    }
}
