namespace SecureChat.Cli.Tests.Commands;

/// <summary>Runs an app in memory, as a script would (input and output redirected).</summary>
internal sealed record AppRun(int ExitCode, string Output, string Error)
{
    public static async Task<AppRun> RunWithInputAsync(ChatRole role, string input, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new ChatConsole(stdin, stdout, stderr, IsInteractive: false, name => environment?.GetValueOrDefault(name));
        int exitCode = await ChatApplication.RunAsync(role, args, console).WaitAsync(TimeSpan.FromSeconds(60));
        return new AppRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static Task<AppRun> RunAsync(ChatRole role, params string[] args) => RunWithInputAsync(role, string.Empty, null, args);
}

/// <summary>A temporary home folder, deleted afterwards.</summary>
internal sealed class TempHome : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "securechat-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
