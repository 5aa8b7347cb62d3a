namespace SecureChat.Cli.Chat;

/// <summary>What the user gave the chat: a message to send or a command.</summary>
public abstract record ChatInput;

/// <summary>A message to send as it is.</summary>
/// <param name="Text">The message.</param>
public sealed record TextInput(string Text) : ChatInput;

/// <summary>A command to run.</summary>
/// <param name="Command">The parsed command.</param>
public sealed record CommandInput(SlashCommand Command) : ChatInput;

/// <summary>The answer to a <see cref="TrustQuestionAsked"/>, as a dialog gives it (a line view types it as text).</summary>
/// <param name="Answer">Trust and remember, trust once, or refuse.</param>
public sealed record TrustReply(Trust.TrustAnswer Answer) : ChatInput
{
    /// <summary>What a typed word answers: <c>yes</c>/<c>y</c>, <c>once</c>/<c>o</c>; anything else refuses (when in doubt, the door stays shut).</summary>
    public static TrustReply FromWord(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        return new TrustReply(typed.Trim().ToLowerInvariant() switch
        {
            "y" or "yes" => Trust.TrustAnswer.Accept,
            "o" or "once" => Trust.TrustAnswer.Once,
            _ => Trust.TrustAnswer.Refuse,
        });
    }
}

/// <summary>Where the chat core reads its input: a view's line reader, or a test.</summary>
public interface IChatInput
{
    /// <summary>The next input, or <see langword="null"/> at the end of input.</summary>
    Task<ChatInput?> ReadAsync(CancellationToken cancellationToken);
}
