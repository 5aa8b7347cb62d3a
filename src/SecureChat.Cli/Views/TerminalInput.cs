using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>
/// Reads a terminal's lines as chat input: empty lines are skipped, and only a person's lines can be
/// commands (a script's lines are all messages, slashes included).
/// </summary>
/// <param name="terminal">Where to read.</param>
public sealed class TerminalInput(IChatTerminal terminal) : IChatInput
{
    /// <inheritdoc />
    public async Task<ChatInput?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            string? line = await terminal.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            if (line.Length > 0)
            {
                return SlashCommand.Read(line, commands: terminal.IsInteractive);
            }
        }
    }
}
