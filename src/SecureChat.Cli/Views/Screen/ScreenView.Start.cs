// Starting the screen, or declining to: a terminal that cannot show it well gets the line view instead
// (NO_COLOR, TERM=dumb, fewer than 40 columns or 10 rows, or a driver that does not start). The library
// is started and run on its own thread, which also shuts it down, so the terminal is restored by the thread
// that took it.
using Terminal.Gui.App;

namespace SecureChat.Cli.Views.Screen;

public sealed partial class ScreenView
{
    /// <summary>The smallest terminal the screen is drawn on; below it the line view reads better.</summary>
    public const int MinimumColumns = 40;

    /// <summary>The fewest rows the screen is drawn on.</summary>
    public const int MinimumRows = 10;

    /// <summary>Whether a terminal described by <paramref name="environment"/> and its size should get the screen.</summary>
    public static bool Suits(Func<string, string?> environment, int columns, int rows)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.IsNullOrEmpty(environment("NO_COLOR"))
            && !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal)
            && columns >= MinimumColumns && rows >= MinimumRows;
    }

    /// <summary>
    /// The screen on this process's terminal, or null when the terminal does not suit it or the driver
    /// cannot start: the caller then uses the line view. <paramref name="prompt"/> is shown before the input
    /// line; <paramref name="listener"/> says whether we wait for a caller (User1) or dial (User2);
    /// <paramref name="afterwards"/> is the terminal's output once the screen has closed.
    /// </summary>
    public static ScreenView? TryCreate(string prompt, bool listener, Func<string, string?> environment, TextWriter afterwards)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(afterwards);
        if (!Suits(environment, SafeWindowSize(() => Console.WindowWidth), SafeWindowSize(() => Console.WindowHeight)))
        {
            return null;
        }

        var started = new TaskCompletionSource<ScreenView?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => RunUi(prompt, listener, afterwards, started)) { IsBackground = true, Name = "SecureChat screen" };
        thread.Start();
        ScreenView? view = started.Task.GetAwaiter().GetResult();
        if (view is not null)
        {
            view._uiThread = thread;
        }

        return view;
    }

    private static ScreenStatus FirstStatus(bool listener) => new(listener ? ConnectionState.WaitingForCaller : ConnectionState.Connecting);

    private static void RunUi(string prompt, bool listener, TextWriter afterwards, TaskCompletionSource<ScreenView?> started)
    {
        using IApplication app = Application.Create();
        try
        {
            app.Init();
        }
#pragma warning disable CA1031 // any failure of the driver means "no screen here": the line view takes over
        catch (Exception)
#pragma warning restore CA1031
        {
            started.TrySetResult(null);
            return;
        }

        using var screen = new ChatScreen(prompt, FirstStatus(listener));
#pragma warning disable CA2000 // handed to the caller of TryCreate, which disposes it (and so stops this loop)
        var view = new ScreenView(app, screen, app.Invoke, listener, afterwards);
#pragma warning restore CA2000
        started.TrySetResult(view);
        app.Run(screen);
        if (!view._leave.IsCancellationRequested && !view._closed)
        {
            view.RequestLeave(); // the screen was closed from inside (the library's quit key): leave as Ctrl+C would
        }
    }

    private static int SafeWindowSize(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
