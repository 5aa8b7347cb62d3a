using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views.Line;

/// <summary>
/// A terminal that shows a peer met for the first time (or trusted once) with a short fingerprint beside its
/// name wherever it speaks, so a lookalike cannot pass as someone known by name alone (issue 14). Only the
/// speaker's label changes; everything else goes to the terminal underneath as it is.
/// </summary>
public sealed class UnverifiedSpeakerTerminal(IChatTerminal inner, string shortFingerprint) : IChatTerminal
{
    /// <summary>The first characters of a fingerprint, enough to tell keys apart at a glance.</summary>
    public static string Shorten(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return fingerprint.Length <= 15 ? fingerprint : fingerprint[..15] + "…";
    }

    /// <inheritdoc />
    public bool IsInteractive => inner.IsInteractive;

    /// <inheritdoc />
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => inner.ReadLineAsync(cancellationToken);

    /// <inheritdoc />
    public void DiscardPendingInput() => inner.DiscardPendingInput();

    /// <inheritdoc />
    public string? TakeUnusedLine() => inner.TakeUnusedLine();

    /// <inheritdoc />
    public UnreadInput TakeUnreadInput(TimeSpan quiet) => inner.TakeUnreadInput(quiet);

    /// <inheritdoc />
    public void ShowIncoming(DateTimeOffset at, string name, string text) => inner.ShowIncoming(at, $"{name} [{shortFingerprint}]", text);

    /// <inheritdoc />
    public void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) => inner.ShowIncomingLate(at, sentAt, $"{name} [{shortFingerprint}]", text);

    /// <inheritdoc />
    public void ShowOwn(DateTimeOffset at, string name, string text) => inner.ShowOwn(at, name, text);

    /// <inheritdoc />
    public void ShowSystem(string line) => inner.ShowSystem(line);

    /// <inheritdoc />
    public void ShowWarning(string line) => inner.ShowWarning(line);

    /// <inheritdoc />
    public int? ProgressWidth => inner.ProgressWidth;

    /// <inheritdoc />
    public void ShowProgress(string? line) => inner.ShowProgress(line);
}
