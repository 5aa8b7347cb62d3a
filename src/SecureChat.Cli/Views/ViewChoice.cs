// Which view runs the chat, decided in one place (issue 17 item 8). Scripted mode follows the input: a
// script is whatever feeds stdin, so `| tee log` at a terminal stays interactive (and logs your own lines),
// while `< lines.txt` or `--script` is scripted. A person's terminal gets the full screen unless it cannot
// show one well: NO_COLOR asks for plain output, TERM=dumb has no cursor control, and a terminal smaller
// than MinWidth × MinHeight has no room for it; those get the line view.
namespace SecureChat.Cli.Views;

/// <summary>The views the chat can run in.</summary>
public enum ViewKind
{
    /// <summary>Scripted: each input line a message, messages on stdout, the rest on stderr.</summary>
    Script,

    /// <summary>The line view: a prompt and printed lines.</summary>
    Line,

    /// <summary>The full-screen view.</summary>
    Screen,
}

/// <summary>Chooses the view from the terminal, the environment and --script.</summary>
public static class ViewChoice
{
    /// <summary>The narrowest terminal the full screen is used in.</summary>
    public const int MinWidth = 40;

    /// <summary>The lowest terminal the full screen is used in.</summary>
    public const int MinHeight = 10;

    /// <summary>
    /// The view for a run: <see cref="ViewKind.Script"/> when stdin is not a terminal or --script was given;
    /// else <see cref="ViewKind.Line"/> with NO_COLOR set (to anything but empty), TERM=dumb, or a terminal
    /// whose size is unknown or smaller than <see cref="MinWidth"/> × <see cref="MinHeight"/>; else <see cref="ViewKind.Screen"/>.
    /// </summary>
    /// <param name="inputIsTerminal">Whether stdin is a terminal.</param>
    /// <param name="scriptAsked">Whether --script was given.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="size">The terminal's columns and rows, if known.</param>
    public static ViewKind Choose(bool inputIsTerminal, bool scriptAsked, Func<string, string?> environment, (int Width, int Height)? size)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!inputIsTerminal || scriptAsked)
        {
            return ViewKind.Script;
        }

        bool plain = !string.IsNullOrEmpty(environment("NO_COLOR"))
            || string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal)
            || size is not { Width: >= MinWidth, Height: >= MinHeight };
        return plain ? ViewKind.Line : ViewKind.Screen;
    }
}
