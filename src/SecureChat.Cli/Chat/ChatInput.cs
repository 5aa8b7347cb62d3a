namespace SecureChat.Cli.Chat;

/// <summary>What the user gave the chat: a message to send or a command.</summary>
public abstract record ChatInput;

/// <summary>A message to send as it is.</summary>
/// <param name="Text">The message.</param>
public sealed record TextInput(string Text) : ChatInput;

/// <summary>A command to run.</summary>
/// <param name="Command">The parsed command.</param>
public sealed record CommandInput(SlashCommand Command) : ChatInput;

/// <summary>Where the chat core reads its input: a view's line reader, or a test.</summary>
public interface IChatInput
{
    /// <summary>The next input, or <see langword="null"/> at the end of input.</summary>
    Task<ChatInput?> ReadAsync(CancellationToken cancellationToken);
}
