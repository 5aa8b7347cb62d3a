// One entry of the message pane. Immutable: a delivery mark that changes is a new ChatLine put in the old
// one's place, so the pane redraws exactly that entry.
using System.Globalization;

namespace SecureChat.Cli.Views.Screen;

/// <summary>Where a message of ours stands; other lines have no mark.</summary>
public enum DeliveryMark
{
    /// <summary>Not one of our messages.</summary>
    None,

    /// <summary>Sent, the peer's receipt not yet in.</summary>
    Sending,

    /// <summary>The peer's receipt covered it.</summary>
    Delivered,
}

/// <summary>What kind of line it is, for its colour.</summary>
public enum LineKind
{
    /// <summary>A message from the peer.</summary>
    Incoming,

    /// <summary>A message we sent.</summary>
    Own,

    /// <summary>The app talking: connected, left, command output.</summary>
    System,

    /// <summary>Something that went wrong or needs attention.</summary>
    Warning,

    /// <summary>A log line (-v), shown dim so it reads as the app's diagnostics, not the conversation.</summary>
    Log,
}

/// <summary>One entry of the message pane: a message with its time, speaker and mark, or a line of the app.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The message or the app's sentence, as given (cleaned when shown).</param>
/// <param name="At">When (messages only).</param>
/// <param name="Speaker">Who spoke (messages only).</param>
/// <param name="Mark">Where our message stands.</param>
/// <param name="SentAt">The peer's send time when far from the arrival.</param>
public sealed record ChatLine(LineKind Kind, string Text, DateTimeOffset? At = null, string Speaker = "", DeliveryMark Mark = DeliveryMark.None, DateTimeOffset? SentAt = null)
{
    /// <summary>The mark's one cell: sending is a dot, delivered a check.</summary>
    public string MarkCell => Mark switch
    {
        DeliveryMark.Sending => "·",
        DeliveryMark.Delivered => "✓",
        _ => " ",
    };

    /// <summary>
    /// The entry as the pane shows it, before wrapping: <c>12:01:02 ✓ Alice: text</c> for a message,
    /// <c>* text</c> or <c>! text</c> for the app, <c>~ text</c> for a log line; the peer's parts cleaned by <see cref="ScreenText.Clean"/>.
    /// A message's own line breaks (a multi-line paste) start new display lines.
    /// </summary>
    public IReadOnlyList<string> DisplayLines()
    {
        string[] parts = Text.ReplaceLineEndings("\n").Split('\n');
        string first = Kind switch
        {
            LineKind.System => "* ",
            LineKind.Warning => "! ",
            LineKind.Log => "~ ",
            _ => $"{Time(At)} {MarkCell} {ScreenText.Clean(Speaker)}: ",
        };
        var lines = new List<string>(parts.Length) { first + ScreenText.Clean(parts[0]) + Late() };
        lines.AddRange(parts.Skip(1).Select(part => new string(' ', ContinuationIndent) + ScreenText.Clean(part)));
        return lines;
    }

    /// <summary>Where a message's continuation rows start: under its text, past time and mark.</summary>
    public int ContinuationIndent => Kind is LineKind.System or LineKind.Warning or LineKind.Log ? 2 : 11;

    private string Late() => SentAt is { } sent ? $" (sent {Time(sent)})" : string.Empty;

    private static string Time(DateTimeOffset? at) =>
        (at ?? DateTimeOffset.Now).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
