// Tab after "/send " completes the path being typed, as a shell does: the longest prefix that all the
// matching files and folders share (a folder ends in "/", so the next Tab goes inside it), or, when that
// adds nothing and several match, the list of them. "~" and "~/" mean the home folder, as /send reads them
// (PromptPath); what is typed stays as typed, "~" included. Hidden entries match only a name begun with ".".
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The line after a completion, and every name that matched (folders with a trailing separator).</summary>
/// <param name="Line">The completed line (the same line when nothing could be added).</param>
/// <param name="Candidates">The matching names, sorted; empty when nothing matched.</param>
public sealed record PathCompletionResult(string Line, IReadOnlyList<string> Candidates);

/// <summary>Completes the path argument of <c>/send</c>.</summary>
public static class PathCompletion
{
    private const string Command = "/send";

    /// <summary>
    /// Completes the path at the end of <paramref name="line"/>, if it is a <c>/send</c> line; relative paths
    /// from <paramref name="currentDirectory"/>, <c>~</c> from <paramref name="home"/>. Null when the line is
    /// not one, or its folder cannot be read.
    /// </summary>
    public static PathCompletionResult? Complete(string line, string? home, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(currentDirectory);
        if (!line.StartsWith(Command + " ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        int start = Command.Length;
        while (start < line.Length && line[start] == ' ')
        {
            start++;
        }

        string typed = line[start..];
        if (typed == "~" && !string.IsNullOrEmpty(home))
        {
            return new PathCompletionResult(line + "/", ["~/"]);
        }

        int cut = typed.LastIndexOfAny(Separators) + 1;
        string folderTyped = typed[..cut];
        string name = typed[cut..];
        string[] candidates;
        try
        {
            string folder = Path.GetFullPath(folderTyped.Length == 0 ? "." : PromptPath.Expand(folderTyped, home), currentDirectory);
            candidates = [.. new DirectoryInfo(folder).EnumerateFileSystemInfos()
                .Where(entry => entry.Name.StartsWith(name, StringComparison.Ordinal) && (name.StartsWith('.') || !entry.Name.StartsWith('.')))
                .Select(entry => entry is DirectoryInfo ? entry.Name + "/" : entry.Name)
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.SecurityException)
        {
            return null;
        }

        return new PathCompletionResult(line[..start] + folderTyped + CommonPrefix(candidates, name), candidates);
    }

    /// <summary>The candidates as one line for the pane: the names, two spaces apart, at most <paramref name="most"/>.</summary>
    public static string Listing(IReadOnlyList<string> candidates, int most = 100)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        string shown = string.Join("  ", candidates.Take(most));
        return candidates.Count > most ? $"{shown}  … and {candidates.Count - most} more" : shown;
    }

    private static char[] Separators => OperatingSystem.IsWindows() ? ['/', '\\'] : ['/'];

    private static string CommonPrefix(string[] candidates, string typedName)
    {
        if (candidates.Length == 0)
        {
            return typedName;
        }

        string prefix = candidates[0];
        foreach (string candidate in candidates.Skip(1))
        {
            int length = 0;
            while (length < prefix.Length && length < candidate.Length && prefix[length] == candidate[length])
            {
                length++;
            }

            prefix = prefix[..length];
        }

        return prefix.Length > 0 && char.IsHighSurrogate(prefix[^1]) ? prefix[..^1] : prefix; // never half a character
    }
}
