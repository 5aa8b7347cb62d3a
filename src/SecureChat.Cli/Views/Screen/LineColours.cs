// The message pane's colours, one per kind of line, over the terminal's own background: your messages in
// cyan, the peer's in the terminal's normal colour (the text you read most), the app's notices in blue,
// warnings and errors in bold red, log lines (-v) dim grey; a delivery mark is grey while sending and green
// once delivered. Only the 16 named colours, so every colour terminal shows them. NO_COLOR never gets here:
// it selects the line view (ViewChoice).
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The attribute each kind of line and each delivery mark is drawn with.</summary>
public static class LineColours
{
    /// <summary>How a line of <paramref name="kind"/> is drawn, given the pane's <paramref name="normal"/> attribute.</summary>
    public static Attribute For(LineKind kind, Attribute normal) => kind switch
    {
        LineKind.Own => normal with { Foreground = new Color(ColorName16.Cyan) },
        LineKind.System => normal with { Foreground = new Color(ColorName16.BrightBlue) },
        LineKind.Warning => normal with { Foreground = new Color(ColorName16.BrightRed), Style = TextStyle.Bold },
        LineKind.Log => normal with { Foreground = new Color(ColorName16.DarkGray), Style = TextStyle.Faint },
        _ => normal,
    };

    /// <summary>How a delivery mark is drawn: grey while sending, green once delivered; null for no mark.</summary>
    public static Attribute? ForMark(DeliveryMark mark, Attribute normal) => mark switch
    {
        DeliveryMark.Sending => normal with { Foreground = new Color(ColorName16.DarkGray) },
        DeliveryMark.Delivered => normal with { Foreground = new Color(ColorName16.BrightGreen) },
        _ => null,
    };
}
