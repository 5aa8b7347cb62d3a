// A ChatScreen and its ScreenView on Terminal.Gui's ANSI driver with real terminal I/O switched off
// (DisableRealDriverIO, the switch the library's own tests use): keys and pastes go in through the
// application as a terminal's would, and the driver's cells show what a terminal would draw. Everything
// runs on the test's thread, which is the UI thread here, so the view's marshalling runs each action at once.
// That thread carries Terminal.Gui's synchronization context, whose posts go to a main loop nobody runs here:
// a test must never await a task that is not yet complete (its continuation would be posted there and never
// run, and a timeout could not fire either). It waits with Within, which blocks with a bound and a message.
using System.Text;
using SecureChat.Cli.Views.Screen;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace SecureChat.Cli.Tests.Views.Screen;

internal sealed class ScreenHarness : IDisposable
{
    static ScreenHarness() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");

    public ScreenHarness(int columns = 60, int rows = 16, bool listener = false)
    {
        App = Application.Create();
        App.Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(columns, rows);
        Screen = new ChatScreen("Alice> ", new ScreenStatus(listener ? ConnectionState.WaitingForCaller : ConnectionState.Connecting));
        App.Begin(Screen);
        View = new ScreenView(App, Screen, action => action(), listener, Afterwards);
        Draw();
    }

    public IApplication App { get; }

    public ChatScreen Screen { get; }

    public ScreenView View { get; }

    public StringWriter Afterwards { get; } = new();

    public void Draw() => App.LayoutAndDraw(forceRedraw: true);

    public void Press(Key key) => App.InjectKey(key);

    /// <summary>Types <paramref name="text"/> one character (rune) at a time, as a keyboard would.</summary>
    public void Type(string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
        {
            App.InjectKey(new Key(rune.Value));
        }
    }

    public void Paste(string text) => App.RaisePasteEvent(text);

    /// <summary>
    /// The result of <paramref name="task"/>, waited for on this thread without any continuation (so no
    /// synchronization context is involved); fails with <paramref name="what"/> if it takes a minute.
    /// </summary>
    public static T Within<T>(Task<T> task, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"Still waiting after 60 s for {what}.");
        }

        return task.Result;
    }

    /// <summary>The graphemes of screen row <paramref name="y"/>, with the column each starts in.</summary>
    public IReadOnlyList<(int Column, string Grapheme)> Cells(int y)
    {
        var cells = new List<(int, string)>();
        var contents = App.Driver!.Contents!;
        for (int x = 0; x < App.Driver.Cols; x++)
        {
            string grapheme = contents[y, x].Grapheme;
            if (!string.IsNullOrEmpty(grapheme))
            {
                cells.Add((x, grapheme));
            }
        }

        return cells;
    }

    /// <summary>The attribute the driver holds for the cell at column <paramref name="x"/> of row <paramref name="y"/>.</summary>
    public Terminal.Gui.Drawing.Attribute? AttributeAt(int x, int y) => App.Driver!.Contents![y, x].Attribute;

    /// <summary>Screen row <paramref name="y"/> as text, without trailing blanks (a wide character's second cell is not a character).</summary>
    public string Row(int y)
    {
        var row = new StringBuilder();
        int next = 0;
        foreach ((int column, string grapheme) in Cells(y))
        {
            if (column < next)
            {
                continue; // the covered cell of a wide character
            }

            row.Append(grapheme);
            next = column + Math.Max(1, ScreenText.Columns(grapheme));
        }

        return row.ToString().TrimEnd();
    }

    /// <summary>Every screen row as text.</summary>
    public IReadOnlyList<string> Rows() => [.. Enumerable.Range(0, App.Driver!.Rows).Select(Row)];

    public void Dispose()
    {
        View.Dispose();
        Screen.Dispose();
        App.Dispose();
    }
}
