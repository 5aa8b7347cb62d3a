// How the user started this app, so that every command we suggest can be pasted as printed (as OpenSSH
// prints the exact 'ssh-keygen -R host' line): 'dotnet run --project src/User1 --' for someone following the
// README, 'dotnet /path/User1.dll' under the dotnet host, the bare name when the app is on PATH, its path otherwise.
using System.Reflection;

namespace SecureChat.Cli.Commands;

/// <summary>The words that start this app again, ready for a POSIX shell.</summary>
public static class AppInvocation
{
    /// <summary>Works out how this process was started; <paramref name="programName"/> (User1, User2) is the fallback.</summary>
    public static string Detect(string programName, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? process = Environment.ProcessPath;
        // Not Assembly.Location: empty in a single-file or NativeAOT app (issue 19's build-once path), where the
        // dotnet host is not involved anyway; under the host the entry dll sits in the base directory.
        string? entryName = Assembly.GetEntryAssembly()?.GetName().Name;
        string? entry = entryName is null ? null : Path.Combine(AppContext.BaseDirectory, entryName + ".dll");
        if (process is null)
        {
            return programName;
        }

        if (Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is not null && File.Exists(entry))
        {
            return $"{Command(process, environment)} {ShellWord(entry)}"; // 'dotnet User1.dll'
        }

        return ProjectOf(process) is { } project ? DotnetRun(project) : Command(process, environment);
    }

    /// <summary>The program's bare name when PATH finds it there, else its full path.</summary>
    private static string Command(string process, Func<string, string?> environment)
    {
        string? folder = Path.GetDirectoryName(process);
        bool onPath = folder is not null && (environment("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && string.Equals(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar), folder.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal));
        return onPath ? ShellWord(Path.GetFileName(process)) : ShellWord(process);
    }

    /// <summary>The argument as a POSIX shell needs it: bare when plain, else single-quoted.</summary>
    public static string ShellWord(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "._-:@%+=,/".Contains(c, StringComparison.Ordinal))
            ? value
            : $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }

    /// <summary>'dotnet run' for a project folder, relative to the current folder when it lies below it (as the README writes it).</summary>
    private static string DotnetRun(string projectFolder)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, projectFolder);
        string shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? projectFolder : relative;
        return $"dotnet run --project {ShellWord(shown)} --";
    }

    /// <summary>
    /// The project folder when <paramref name="file"/> is its build output (<c>src/User1/bin/Debug/net10.0/User1</c>
    /// beside <c>src/User1/User1.csproj</c>): what 'dotnet run' starts.
    /// </summary>
    private static string? ProjectOf(string file)
    {
        DirectoryInfo? output = new FileInfo(file).Directory;
        DirectoryInfo? project = output?.Parent?.Parent?.Parent;
        string name = Path.GetFileNameWithoutExtension(file);
        return project is not null && output!.Parent!.Parent!.Name == "bin" && File.Exists(Path.Combine(project.FullName, name + ".csproj"))
            ? project.FullName
            : null;
    }
}
