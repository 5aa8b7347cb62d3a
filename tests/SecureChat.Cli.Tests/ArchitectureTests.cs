// Issue 16's structural rules ("Done when"), read from the source tree so that breaking one fails a test
// rather than waiting for the next review: no file in src/ over 400 lines, the chat core and Files/ name
// nothing of Views/ and nothing below the views touches Console, exit codes chosen only in Failures.cs,
// InternalsVisibleTo only for test, benchmark and fuzz projects. Comments and string literals are removed
// before code is searched, so a comment that names a view or an exit code is not a reference.
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests;

public sealed partial class ArchitectureTests
{
    private const int MaxLines = 400;

    private static readonly string Root = FindRoot();
    private static readonly string Src = Path.Combine(Root, "src");
    private static readonly string Cli = Path.Combine(Src, "SecureChat.Cli");

    [Fact]
    public void SourceTree_NoFileInSrc_IsOverFourHundredLines_GeneratedOnesIncluded()
    {
        string[] files = [.. SourceFiles(Src, "*")];
        files.Should().Contain(f => f.EndsWith(".g.cs", StringComparison.Ordinal), "generated files are counted too (issue 16: no file)");

        files.Select(f => (File: Relative(f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxLines)
            .Should().BeEmpty("split a big type into Type.Concern.cs partials");
    }

    [Theory]
    [InlineData("Chat")]
    [InlineData("Files")]
    public void Folder_NamesNothingOfViews(string folder)
    {
        // Every file in Views/ is in a Views namespace, so without a using, a Views-qualified name or a view
        // type's name, code elsewhere cannot reach a view.
        foreach (string file in SourceFiles(Path.Combine(Cli, "Views"), "*.cs"))
        {
            NamespaceOf(file).Should().StartWith("SecureChat.Cli.Views", Relative(file));
        }

        string[] viewTypes = [.. typeof(TerminalView).Assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith("SecureChat.Cli.Views", StringComparison.Ordinal) == true && !t.Name.StartsWith('<'))
            .Select(t => t.Name.Split('`')[0])
            .Distinct()];
        viewTypes.Should().Contain(new[] { nameof(TerminalView), nameof(ChatSentences), nameof(IChatTerminal) });
        var reference = new Regex(@"\b(Views|" + string.Join('|', viewTypes) + @")\b", RegexOptions.CultureInvariant);

        string[] files = [.. SourceFiles(Path.Combine(Cli, folder), "*.cs")];
        files.Should().NotBeEmpty();
        files.SelectMany(f => reference.Matches(Code(File.ReadAllText(f))).Select(m => $"{Relative(f)}: {m.Value}"))
            .Should().BeEmpty($"{folder}/ publishes events; only Views/ renders them");
        SourceFiles(Cli, "*.cs").Concat(SourceFiles(Root, "*.props", topOnly: true)).Append(Path.Combine(Cli, "SecureChat.Cli.csproj"))
            .Where(f => GlobalViewsUsing().IsMatch(f.EndsWith(".cs", StringComparison.Ordinal) ? Code(File.ReadAllText(f)) : File.ReadAllText(f)))
            .Select(Relative)
            .Should().BeEmpty("a global using of Views would reach every folder");
    }

    [Theory]
    [InlineData("SecureChat.Crypto")]
    [InlineData("SecureChat.Protocol")]
    [InlineData("SecureChat.Cli/Chat")]
    [InlineData("SecureChat.Cli/Files")]
    public void BelowTheViews_NothingTouchesTheConsole(string folder)
    {
        string[] files = [.. SourceFiles(Path.Combine(Src, folder), "*.cs")];
        files.Should().NotBeEmpty();
        files.Where(f => ConsoleUse().IsMatch(Code(File.ReadAllText(f))))
            .Select(Relative)
            .Should().BeEmpty("output goes through the views (an IChatTerminal or an injected TextWriter)");
    }

    [Fact]
    public void ExitCodes_AreChosenOnlyInFailures()
    {
        FieldInfo[] codes = typeof(ExitCode).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(int)).ToArray();
        string names = string.Join('|', codes.Select(f => f.Name));
        string values = string.Join('|', codes.Select(f => (int)f.GetRawConstantValue()!).Where(v => v != 0));
        var choice = new Regex(
            $@"\bExitCode\.({names})\b|\bEnvironment\.Exit(Code)?\b|\bnew\s+Failure\s*\(|\bExitCode\s*=\s*\d|(\breturn|=>)\s*({values})\s*;",
            RegexOptions.CultureInvariant);
        string failures = Path.Combine(Cli, "Failures.cs");
        choice.Matches(Code(File.ReadAllText(failures))).Should().NotBeEmpty("the check must see where the codes are chosen");

        string[] allowed = [failures, Path.Combine(Cli, "ExitCode.cs")];
        SourceFiles(Src, "*.cs")
            .Where(f => !allowed.Contains(f))
            .SelectMany(f => choice.Matches(Code(File.ReadAllText(f))).Select(m => $"{Relative(f)}: {m.Value}"))
            .Should().BeEmpty("Failures.Classify, ForEnding, WithUndelivered, BadUsage and Success are the one place an exit code is chosen");
    }

    [Fact]
    public void InternalsVisibleTo_InSrc_NamesOnlyTestBenchmarkAndFuzzProjects()
    {
        var projects = new[] { "tests", "bench", "fuzz" }
            .SelectMany(d => SourceFiles(Path.Combine(Root, d), "*.csproj"))
            .Select(Path.GetFileNameWithoutExtension)
            .ToHashSet(StringComparer.Ordinal);
        var granted = SourceFiles(Src, "*")
            .Concat(SourceFiles(Root, "Directory.Build.*", topOnly: true))
            .Where(f => Path.GetExtension(f) is ".cs" or ".csproj" or ".props" or ".targets")
            .SelectMany(f => InternalsVisibleTo().Matches(File.ReadAllText(f)).Select(m => (File: Relative(f), To: m.Groups["to"].Value.Trim())))
            .ToList();

        granted.Should().Contain(g => g.To == "SecureChat.Cli.Tests", "the check must see the grants there are");
        granted.Where(g => !projects.Contains(g.To)).Should().BeEmpty("a production project reaching another's internals is a hidden API");
    }

    private static IEnumerable<string> SourceFiles(string dir, string pattern, bool topOnly = false) =>
        Directory.EnumerateFiles(dir, pattern, topOnly ? SearchOption.TopDirectoryOnly : SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string NamespaceOf(string file) =>
        FileScopedNamespace().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups["name"].Value : "(none)";

    /// <summary>The code of a C# file with comments and the contents of string and char literals removed.</summary>
    private static string Code(string source)
    {
        var code = new StringBuilder(source.Length);
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            char next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                i = source.IndexOf('\n', i) is var end and >= 0 ? end : source.Length;
            }
            else if (c == '/' && next == '*')
            {
                i = source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : source.Length;
            }
            else if (c == '"' && source.AsSpan(i).StartsWith("\"\"\""))
            {
                int quotes = 0;
                while (i + quotes < source.Length && source[i + quotes] == '"')
                {
                    quotes++;
                }

                int end = source.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                i = end >= 0 ? end + quotes : source.Length;
                code.Append("\"\"");
            }
            else if (c is '"' or '\'')
            {
                bool verbatim = i > 0 && (source[i - 1] == '@' || (source[i - 1] == '$' && i > 1 && source[i - 2] == '@'));
                i++;
                while (i < source.Length && source[i] != c)
                {
                    i += !verbatim && source[i] == '\\' ? 2 : verbatim && source[i] == '"' && i + 1 < source.Length && source[i + 1] == '"' ? 2 : 1;
                }

                i++;
                code.Append(c).Append(c);
            }
            else
            {
                code.Append(c);
                i++;
            }
        }

        return code.ToString();
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No SecureChat.sln above {AppContext.BaseDirectory}: these tests read the source tree.");
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"\bConsole\s*\.", RegexOptions.CultureInvariant)]
    private static partial Regex ConsoleUse();

    [GeneratedRegex(@"global\s+using[^;]*\bViews\b|<Using\s+Include=""[^""]*\bViews\b", RegexOptions.CultureInvariant)]
    private static partial Regex GlobalViewsUsing();

    [GeneratedRegex(@"InternalsVisibleTo(Attribute)?\s*\(\s*""(?<to>[^"",]+)|<InternalsVisibleTo\s+Include=""(?<to>[^"";,]+)|InternalsVisibleTo(Attribute)?""\s*>\s*<_Parameter1>(?<to>[^<,]+)", RegexOptions.CultureInvariant)]
    private static partial Regex InternalsVisibleTo();
}
