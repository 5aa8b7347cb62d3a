namespace SecureChat.Cli.Chat;

/// <summary>A script's lines that no conversation read; <paramref name="ReachedEnd"/> is false when more may follow unread.</summary>
/// <param name="Lines">The lines, in the order written (empty lines left out, as the chat skips them).</param>
/// <param name="ReachedEnd">Whether the input was read to its end, so that nothing else was written.</param>
public sealed record UnreadInput(IReadOnlyList<string> Lines, bool ReachedEnd)
{
    /// <summary>Nothing unread.</summary>
    public static UnreadInput None { get; } = new([], ReachedEnd: true);
}
