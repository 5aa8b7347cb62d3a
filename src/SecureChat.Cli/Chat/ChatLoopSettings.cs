namespace SecureChat.Cli.Chat;

/// <summary>How one conversation's chat loop behaves.</summary>
/// <param name="LocalName">Our name, shown beside our own messages.</param>
/// <param name="ReceiptWait">How long, at the end of input, the last lines' receipts are awaited.</param>
public sealed record ChatLoopSettings(string LocalName, TimeSpan ReceiptWait)
{
    /// <summary>Whether a dropped connection keeps the conversation for a next session instead of ending it.</summary>
    public bool Resumable { get; init; }

    /// <summary>Files to offer once, when the conversation starts (--send).</summary>
    public IReadOnlyList<string> StartupFiles { get; init; } = [];

    /// <summary>
    /// Whether a line refused before sending (too long) is listed as never delivered when the chat ends: a
    /// script learns it through the exit code; a person saw the warning as they typed.
    /// </summary>
    public bool ListRefusedLines { get; init; }

    /// <summary>
    /// Whether this side dialled (User2): the peer still has to accept us after the handshake, and its first
    /// <c>resume</c> says it did. Until then the loop says it is waiting and queues the lines typed.
    /// </summary>
    public bool AwaitsPeerConfirmation { get; init; }
}
