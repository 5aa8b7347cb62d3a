namespace SecureChat.Cli;

/// <summary>The process's streams and environment, injected so that tests can drive the apps in memory.</summary>
/// <param name="In">Standard input.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="IsInteractive">Whether a person types at a terminal: standard input is one (where output goes does not matter, so `| tee log` stays interactive).</param>
/// <param name="Environment">Reads an environment variable.</param>
public sealed record ChatConsole(TextReader In, TextWriter Out, TextWriter Error, bool IsInteractive, Func<string, string?> Environment)
{
    /// <summary>The real console.</summary>
    public static ChatConsole System => new(
        Console.In,
        Console.Out,
        Console.Error,
        !Console.IsInputRedirected,
        global::System.Environment.GetEnvironmentVariable)
    {
        TerminalSize = MeasureTerminal(),
        OutputIsTerminal = !Console.IsOutputRedirected,
        OwnsConsole = !Console.IsInputRedirected,
    };

    /// <summary>How the user started the app, for the commands we suggest; null: detect it from this process (<see cref="Commands.AppInvocation"/>).</summary>
    public string? Invocation { get; init; }

    /// <summary>The terminal's columns and rows, if known.</summary>
    public (int Width, int Height)? TerminalSize { get; init; }

    /// <summary>Whether standard output is a terminal (colours only there).</summary>
    public bool OutputIsTerminal { get; init; } = true;

    /// <summary>Whether this is the process's real console, whose keys the line view reads itself.</summary>
    public bool OwnsConsole { get; init; }

    /// <summary>Whether to colour the output: only at a terminal, and never with NO_COLOR set (no-color.org).</summary>
    public bool UseColour => IsInteractive && OutputIsTerminal && string.IsNullOrEmpty(Environment("NO_COLOR"));

    private static (int Width, int Height)? MeasureTerminal()
    {
        try
        {
            return Console.IsOutputRedirected ? null : (Console.WindowWidth, Console.WindowHeight);
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
