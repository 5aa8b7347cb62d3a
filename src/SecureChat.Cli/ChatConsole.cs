namespace SecureChat.Cli;

/// <summary>The process's streams and environment, injected so that tests can drive the apps in memory.</summary>
/// <param name="In">Standard input.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="IsInteractive">Whether a person is at a terminal (neither input nor output redirected).</param>
/// <param name="Environment">Reads an environment variable.</param>
public sealed record ChatConsole(TextReader In, TextWriter Out, TextWriter Error, bool IsInteractive, Func<string, string?> Environment)
{
    /// <summary>The real console.</summary>
    public static ChatConsole System => new(
        Console.In,
        Console.Out,
        Console.Error,
        !Console.IsInputRedirected && !Console.IsOutputRedirected,
        global::System.Environment.GetEnvironmentVariable);

    /// <summary>How the user started the app, for the commands we suggest; null: detect it from this process (<see cref="Commands.AppInvocation"/>).</summary>
    public string? Invocation { get; init; }

    /// <summary>Whether to colour the output: only at a terminal, and never with NO_COLOR set (no-color.org).</summary>
    public bool UseColour => IsInteractive && string.IsNullOrEmpty(Environment("NO_COLOR"));
}
