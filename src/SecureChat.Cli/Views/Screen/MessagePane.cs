// The conversation's scrollback. Each ChatLine becomes one or more rows, cut to the pane's width; a line
// replaced (a delivery mark changing) rewrites its own rows where they are, so nothing moves and no stale
// copy is left behind. The pane follows new lines while it is scrolled to the bottom, and stays where the
// reader put it (PageUp, the mouse wheel) otherwise. Each row is drawn in its line's colour (LineColours),
// and a message's delivery mark in the mark's own. UI thread only.
using System.Collections.ObjectModel;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The message pane: every line of the conversation, wrapped, with scrollback.</summary>
public sealed class MessagePane : ListView
{
    private const int WidthBeforeLayout = 80;
    private const int MarkColumn = 9; // after "HH:mm:ss "
    private readonly List<ChatLine> _lines = [];
    private readonly List<int> _firstRows = [];
    private readonly List<int> _lineOfRow = [];
    private readonly ObservableCollection<string> _rows = [];
    private int _wrapWidth;

    /// <summary>An empty pane that fills its place; it takes no focus, so typing always goes to the input line.</summary>
    public MessagePane()
    {
        Source = new ListWrapper<string>(_rows);
        CanFocus = false;
        ViewportChanged += (_, _) => RewrapIfWidthChanged();
        RowRender += (_, row) => row.RowAttribute = row.Row < _lineOfRow.Count
            ? LineColours.For(_lines[_lineOfRow[row.Row]].Kind, GetAttributeForRole(VisualRole.Normal))
            : null;
    }

    /// <summary>The lines shown, oldest first.</summary>
    public IReadOnlyList<ChatLine> Lines => _lines;

    /// <summary>The rows as drawn (tests and the E2E capture read them).</summary>
    public IReadOnlyList<string> Rows => _rows;

    /// <summary>Adds <paramref name="line"/> at the bottom and returns its index for <see cref="Replace"/>.</summary>
    public int Append(ChatLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        KeepingTheBottomInView(() =>
        {
            _lines.Add(line);
            AddRows(line);
        });
        return _lines.Count - 1;
    }

    /// <summary>Puts <paramref name="line"/> in the place of line <paramref name="index"/>, in place.</summary>
    public void Replace(int index, ChatLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _lines.Count);
        IReadOnlyList<string> rows = RowsOf(line);
        _lines[index] = line;
        if (rows.Count != RowCount(index))
        {
            Rebuild(); // only if a change of width made the wrapping differ: the mark itself is one cell
            return;
        }

        for (int i = 0; i < rows.Count; i++)
        {
            if (_rows[_firstRows[index] + i] != rows[i])
            {
                _rows[_firstRows[index] + i] = rows[i];
            }
        }

        SetNeedsDraw();
    }

    /// <inheritdoc />
    /// <remarks>After the rows, redraws each visible delivery mark in its own colour.</remarks>
    protected override bool OnDrawingContent(DrawContext? context)
    {
        bool drawn = base.OnDrawingContent(context);
        Attribute normal = GetAttributeForRole(VisualRole.Normal);
        for (int y = 0; y < Viewport.Height; y++)
        {
            int row = Viewport.Y + y;
            if (row >= _lineOfRow.Count || Viewport.X > MarkColumn)
            {
                break;
            }

            ChatLine line = _lines[_lineOfRow[row]];
            if (_firstRows[_lineOfRow[row]] == row && LineColours.ForMark(line.Mark, normal) is { } mark)
            {
                SetAttribute(mark);
                Move(MarkColumn - Viewport.X, y);
                AddStr(line.MarkCell);
            }
        }

        return drawn;
    }

    /// <summary>Scrolls by <paramref name="rows"/> (negative: back in time), as PageUp / PageDown do.</summary>
    public void Scroll(int rows)
    {
        int top = Math.Clamp(Viewport.Y + rows, 0, Math.Max(0, _rows.Count - Math.Max(1, Viewport.Height)));
        Viewport = Viewport with { Y = top };
    }

    /// <summary>Shows the newest rows.</summary>
    public void ScrollToBottom() => Viewport = Viewport with { Y = Math.Max(0, _rows.Count - Math.Max(1, Viewport.Height)) };

    /// <summary>Whether the newest row is in view (then new lines keep it so).</summary>
    public bool IsAtBottom() => Viewport.Height <= 0 || Viewport.Y + Viewport.Height >= _rows.Count;

    private int RowCount(int index) => (index + 1 < _firstRows.Count ? _firstRows[index + 1] : _rows.Count) - _firstRows[index];

    private IReadOnlyList<string> RowsOf(ChatLine line)
    {
        int width = CurrentWidth();
        return [.. line.DisplayLines().SelectMany(text => ScreenText.Wrap(text, width, line.ContinuationIndent))];
    }

    private int CurrentWidth() => Viewport.Width > 0 ? Viewport.Width : WidthBeforeLayout;

    private void RewrapIfWidthChanged()
    {
        if (Viewport.Width > 0 && Viewport.Width != _wrapWidth)
        {
            _wrapWidth = Viewport.Width;
            Rebuild();
        }
    }

    private void Rebuild() => KeepingTheBottomInView(() =>
    {
        _rows.Clear();
        _firstRows.Clear();
        _lineOfRow.Clear();
        foreach (ChatLine line in _lines)
        {
            AddRows(line);
        }
    });

    /// <summary>Adds the rows of <paramref name="line"/> at the bottom, remembering where they start.</summary>
    private void AddRows(ChatLine line)
    {
        int index = _firstRows.Count;
        _firstRows.Add(_rows.Count);
        foreach (string row in RowsOf(line))
        {
            _lineOfRow.Add(index);
            _rows.Add(row);
        }
    }

    /// <summary>Makes <paramref name="change"/>; if the newest row was in view, it still is after.</summary>
    private void KeepingTheBottomInView(Action change)
    {
        bool following = IsAtBottom();
        change();
        if (following)
        {
            ScrollToBottom();
        }

        SetNeedsDraw();
    }
}
