using System.Reflection;

namespace SecureChat.Cli;

/// <summary>The entry point the two apps share.</summary>
public static class ChatApplication
{
    /// <summary>Runs the app for <paramref name="role"/> and returns its exit code.</summary>
    /// <remarks>
    /// The foundation ships the cryptography only: until the protocol and apps issues land, this says so
    /// plainly instead of pretending to chat.
    /// </remarks>
    public static int Run(ChatRole role, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string name = role == ChatRole.Listener ? "User1" : "User2";
        string version = typeof(ChatApplication).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        output.WriteLine($"SecureChat {name} {version}");
        error.WriteLine(
            $"{name} cannot chat yet: the secure session and the console chat are still being built. " +
            "Today SecureChat is its cryptography library; run 'dotnet test' to check it.");
        return ExitCode.Unavailable;
    }
}
