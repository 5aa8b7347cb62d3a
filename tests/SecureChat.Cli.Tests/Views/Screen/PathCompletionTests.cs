using SecureChat.Cli.Views.Screen;
using Terminal.Gui.Input;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class PathCompletionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("securechat-completion-");

    public PathCompletionTests()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "report.txt"), "r");
        File.WriteAllText(Path.Combine(_folder.FullName, "alpha.txt"), "a");
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "alpine"));
        File.WriteAllText(Path.Combine(_folder.FullName, "alpine", "inside.bin"), "i");
        File.WriteAllText(Path.Combine(_folder.FullName, ".hidden"), "h");
    }

    private string Root => _folder.FullName;

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void OneFileMatches_CompletesItsWholeName()
    {
        PathCompletionResult? result = PathCompletion.Complete($"/send {Root}/rep", home: null, currentDirectory: "/");

        result!.Line.Should().Be($"/send {Root}/report.txt");
        result.Candidates.Should().Equal("report.txt");
    }

    [Fact]
    public void OneFolderMatches_CompletesWithASeparatorSoTheNextTabGoesInside()
    {
        PathCompletion.Complete($"/send {Root}/alpi", home: null, currentDirectory: "/")!.Line.Should().Be($"/send {Root}/alpine/");
        PathCompletion.Complete($"/send {Root}/alpine/", home: null, currentDirectory: "/")!.Line.Should().Be($"/send {Root}/alpine/inside.bin");
    }

    [Fact]
    public void SeveralMatch_CompletesTheirCommonPrefixAndNamesThemAll()
    {
        PathCompletionResult? result = PathCompletion.Complete($"/send {Root}/a", home: null, currentDirectory: "/");

        result!.Line.Should().Be($"/send {Root}/alp");
        result.Candidates.Should().Equal("alpha.txt", "alpine/");
    }

    [Fact]
    public void Tilde_IsTheHomeFolder_AndStaysAsTyped()
    {
        PathCompletion.Complete("/send ~/rep", home: Root, currentDirectory: "/")!.Line.Should().Be("/send ~/report.txt");
        PathCompletion.Complete("/send ~", home: Root, currentDirectory: "/")!.Line.Should().Be("/send ~/");
    }

    [Fact]
    public void RelativePath_IsCompletedFromTheCurrentFolder()
    {
        PathCompletion.Complete("/send rep", home: null, currentDirectory: Root)!.Line.Should().Be("/send report.txt");
        PathCompletion.Complete("/send alpine/in", home: null, currentDirectory: Root)!.Line.Should().Be("/send alpine/inside.bin");
    }

    [Fact]
    public void HiddenEntries_MatchOnlyANameBegunWithADot()
    {
        PathCompletion.Complete($"/send {Root}/", home: null, currentDirectory: "/")!.Candidates.Should().NotContain(".hidden");
        PathCompletion.Complete($"/send {Root}/.h", home: null, currentDirectory: "/")!.Line.Should().Be($"/send {Root}/.hidden");
    }

    [Fact]
    public void NothingMatches_LeavesTheLine()
    {
        PathCompletionResult? result = PathCompletion.Complete($"/send {Root}/zzz", home: null, currentDirectory: "/");

        result!.Line.Should().Be($"/send {Root}/zzz");
        result.Candidates.Should().BeEmpty();
    }

    [Theory]
    [InlineData("hello rep")]
    [InlineData("/sendrep")]
    [InlineData("/verify rep")]
    public void NotASendLine_IsNotCompleted(string line) =>
        PathCompletion.Complete(line, home: null, currentDirectory: Root).Should().BeNull();

    [Fact]
    public void MissingFolder_IsNotCompleted() =>
        PathCompletion.Complete($"/send {Root}/nowhere/x", home: null, currentDirectory: "/").Should().BeNull();

    [Fact]
    public void InTheInputLine_TabCompletes_AndASecondTabListsTheMatchesInThePane()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.Type($"/send {Root}/a");

        harness.Press(Key.Tab);
        harness.Screen.Input.Text.Should().Be($"/send {Root}/alp");
        harness.Screen.Input.HasFocus.Should().BeTrue("Tab on a /send line completes, it does not move the focus");
        harness.Screen.Pane.Lines.Should().BeEmpty("the first Tab completed something: nothing to list");

        harness.Press(Key.Tab);
        harness.Screen.Input.Text.Should().Be($"/send {Root}/alp");
        harness.Screen.Pane.Lines.Should().ContainSingle().Which.Should().Be(new ChatLine(LineKind.System, "alpha.txt  alpine/"));

        harness.Type("h");
        harness.Press(Key.Tab);
        harness.Screen.Input.Text.Should().Be($"/send {Root}/alpha.txt");
    }
}
