using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>
/// Where the chat reads lines and shows what happens: a real terminal (a prompt, colours, a line editor
/// that never garbles what is being typed) or plain streams for scripts and tests.
/// </summary>
public interface IChatTerminal
{
    /// <summary>Whether a person is typing at a terminal (prompts, colours, the trust question).</summary>
    bool IsInteractive { get; }

    /// <summary>The next line typed or piped in, or <see langword="null"/> at the end of input.</summary>
    Task<string?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Forgets lines typed ahead, so that a question (trust this peer?) is answered only by what is typed
    /// after it is shown, and nothing typed for one conversation goes to the next.
    /// </summary>
    void DiscardPendingInput();

    /// <summary>
    /// A line already read from the input that no conversation took, or <see langword="null"/>: the read left
    /// waiting when a conversation ended may take one. Asked once the chat is over, so it can be listed.
    /// </summary>
    string? TakeUnusedLine();

    /// <summary>
    /// When the app leaves: every line the input still holds that no conversation read, the unused line
    /// first, so it can be listed as never sent. Waits at most <paramref name="quiet"/> for each next line
    /// (a script's heredoc or file ends at once; a pipe still open is not waited for indefinitely).
    /// </summary>
    UnreadInput TakeUnreadInput(TimeSpan quiet) => TakeUnusedLine() is { } line ? new UnreadInput([line], ReachedEnd: true) : UnreadInput.None;

    /// <summary>A message from the peer.</summary>
    void ShowIncoming(DateTimeOffset at, string name, string text);

    /// <summary>
    /// A message from the peer whose send time (<paramref name="sentAt"/>, the peer's clock) is far from its
    /// arrival: a terminal shows both. A script's output keeps its one format, so by default only the arrival.
    /// </summary>
    void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) => ShowIncoming(at, name, text);

    /// <summary>A message we sent (shown at a terminal only; scripts already know what they sent).</summary>
    void ShowOwn(DateTimeOffset at, string name, string text);

    /// <summary>A line about the conversation: connected, delivered, left.</summary>
    void ShowSystem(string line);

    /// <summary>A line about something that went wrong or needs attention.</summary>
    void ShowWarning(string line);

    /// <summary>
    /// The width of a progress bar that this terminal redraws in place, or <see langword="null"/> when it
    /// takes progress as plain lines (about once a second) instead.
    /// </summary>
    int? ProgressWidth => null;

    /// <summary>
    /// A file transfer's progress; <see langword="null"/> clears it. A terminal keeps one status line above
    /// the prompt and redraws it; scripts get each line as it comes (the caller sends them about once a second).
    /// </summary>
    void ShowProgress(string? line);
}
