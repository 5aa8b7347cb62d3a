// A path typed at the prompt reaches no shell, so nothing expanded "~" before it got here: /send ~/x means
// the file in the home folder, as it would on a command line. Only "~" alone and "~/..." are expanded;
// "~user" is left as typed (a file of that name in the current folder).
namespace SecureChat.Cli.Files;

/// <summary>Paths as typed at the prompt.</summary>
public static class PromptPath
{
    /// <summary><paramref name="typed"/> with a leading <c>~</c> or <c>~/</c> replaced by <paramref name="home"/>.</summary>
    public static string Expand(string typed, string? home)
    {
        ArgumentNullException.ThrowIfNull(typed);
        if (string.IsNullOrEmpty(home))
        {
            return typed;
        }

        if (typed == "~")
        {
            return home;
        }

        return typed.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && typed.StartsWith("~\\", StringComparison.Ordinal))
            ? Path.Combine(home, typed[2..])
            : typed;
    }

    /// <summary>The home folder: $HOME, else the user profile.</summary>
    public static string? Home() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile ? profile : null;
}
