// Text for the screen: what a peer sent, made safe to draw, and cut into rows by display columns. A row is
// cut between grapheme clusters (an emoji with its joiners and modifiers, a letter with its combining marks),
// never inside one, and its width is counted the way Terminal.Gui draws it, so a CJK character or an emoji
// takes its two cells and a row never runs past the pane.
using System.Globalization;
using System.Text;
using Terminal.Gui.Text;

namespace SecureChat.Cli.Views.Screen;

/// <summary>Cleans a peer's text for the screen and wraps it into rows of a given width.</summary>
public static class ScreenText
{
    private const string Tab = "    ";

    /// <summary>
    /// The text with every character that could act on the terminal shown as <c>\uXXXX</c> (controls, bidi
    /// overrides and isolates, line and paragraph separators, private use), tabs as spaces. Unlike the line
    /// view it keeps the joiners (U+200C, U+200D) that emoji sequences and many scripts need: the screen
    /// draws cell by cell, so they cannot move the cursor.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.Value == '\t')
            {
                clean.Append(Tab);
            }
            else if (IsHarmful(rune))
            {
                clean.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            }
            else
            {
                clean.Append(rune.ToString());
            }
        }

        return clean.ToString();
    }

    /// <summary>How many cells <paramref name="text"/> takes on the screen.</summary>
    public static int Columns(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int columns = 0;
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            columns += ClusterColumns(elements.GetTextElement());
        }

        return columns;
    }

    /// <summary>
    /// <paramref name="text"/> (one line, already clean) cut into rows of at most <paramref name="width"/>
    /// cells; rows after the first start with <paramref name="indent"/> spaces. Never empty.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int width, int indent = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        width = Math.Max(width, indent + 2); // room for one wide character on every row
        var rows = new List<string>();
        var row = new StringBuilder();
        int used = 0;
        int breakAt = -1; // where the row may end: just after its last space
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            string cluster = elements.GetTextElement();
            int columns = ClusterColumns(cluster);
            if (used + columns > width && used > indent)
            {
                // Cut after the last space if the row has one; a word longer than a row is cut where it must be.
                string carried = breakAt > indent ? row.ToString(breakAt, row.Length - breakAt) : string.Empty;
                rows.Add(row.ToString(0, row.Length - carried.Length).TrimEnd(' '));
                row.Clear().Append(' ', indent).Append(carried);
                used = indent + Columns(carried);
                breakAt = -1;
                if (used + columns > width)
                {
                    rows.Add(row.ToString()); // what was carried fills the row already
                    row.Clear().Append(' ', indent);
                    used = indent;
                }
            }

            row.Append(cluster);
            used += columns;
            if (cluster == " ")
            {
                breakAt = row.Length;
            }
        }

        rows.Add(row.ToString());
        return rows;
    }

    /// <summary>The cells one grapheme cluster takes, counted as Terminal.Gui counts them when it draws.</summary>
    private static int ClusterColumns(string cluster) => Math.Max(0, cluster.GetColumns());

    private static bool IsHarmful(Rune rune)
    {
        if (rune.Value is 0x200C or 0x200D)
        {
            return false; // ZWNJ and ZWJ join, they do not move anything
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate;
    }
}
