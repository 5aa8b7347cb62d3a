using System.Security.Cryptography;
using System.Text;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

public sealed class ReceiveFolderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "securechat-files-" + Guid.NewGuid().ToString("N"));
    private readonly ReceiveFolder _folder;

    public ReceiveFolderTests()
    {
        Directory.CreateDirectory(_directory);
        _folder = new ReceiveFolder(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Commit_EmptyFolder_KeepsTheNameAndMovesThePartial()
    {
        string partial = WritePartial("report.pdf", "received");

        string final = _folder.Commit(partial, "report.pdf");

        final.Should().Be(Path.Combine(_folder.Folder, "report.pdf"));
        File.ReadAllText(final).Should().Be("received");
        File.Exists(partial).Should().BeFalse();
    }

    [Fact]
    public void Commit_NameTaken_NumbersBeforeTheExtensionAndLeavesTheOldFile()
    {
        File.WriteAllText(Path.Combine(_directory, "report.pdf"), "mine");
        string partial = WritePartial("report.pdf", "received");

        string final = _folder.Commit(partial, "report.pdf");

        final.Should().Be(Path.Combine(_folder.Folder, "report (1).pdf"));
        File.ReadAllText(final).Should().Be("received");
        File.ReadAllText(Path.Combine(_directory, "report.pdf")).Should().Be("mine");
    }

    [Fact]
    public void Commit_NameAndFirstNumberTaken_UsesTheSecond()
    {
        File.WriteAllText(Path.Combine(_directory, "report.pdf"), "mine");
        File.WriteAllText(Path.Combine(_directory, "report (1).pdf"), "mine too");

        string final = _folder.Commit(WritePartial("report.pdf", "received"), "report.pdf");

        final.Should().Be(Path.Combine(_folder.Folder, "report (2).pdf"));
        File.ReadAllText(Path.Combine(_directory, "report.pdf")).Should().Be("mine");
        File.ReadAllText(Path.Combine(_directory, "report (1).pdf")).Should().Be("mine too");
    }

    [Fact]
    public void Commit_NoExtension_NumbersAtTheEnd()
    {
        File.WriteAllText(Path.Combine(_directory, "file"), "mine");

        _folder.Commit(WritePartial("file", "received"), "file").Should().Be(Path.Combine(_folder.Folder, "file (1)"));
    }

    [Fact]
    public void Commit_SeveralExtensions_NumbersBeforeTheLast()
    {
        File.WriteAllText(Path.Combine(_directory, "backup.tar.gz"), "mine");

        _folder.Commit(WritePartial("backup.tar.gz", "received"), "backup.tar.gz")
            .Should().Be(Path.Combine(_folder.Folder, "backup.tar (1).gz"));
    }

    [Fact]
    public void Commit_FolderWithTheName_IsSkippedLikeAFile()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "report.pdf"));

        _folder.Commit(WritePartial("report.pdf", "received"), "report.pdf").Should().Be(Path.Combine(_folder.Folder, "report (1).pdf"));
        Directory.Exists(Path.Combine(_directory, "report.pdf")).Should().BeTrue();
    }

    [Fact]
    public void Commit_ManyTaken_NeverOverwritesAny()
    {
        var existing = new Dictionary<string, string> { [Path.Combine(_directory, "a.txt")] = "original" };
        for (int n = 1; n <= 5; n++)
        {
            existing[Path.Combine(_directory, $"a ({n}).txt")] = $"copy {n}";
        }

        foreach ((string path, string content) in existing)
        {
            File.WriteAllText(path, content);
        }

        string final = _folder.Commit(WritePartial("a.txt", "received"), "a.txt");

        final.Should().Be(Path.Combine(_folder.Folder, "a (6).txt"));
        existing.Should().AllSatisfy(entry => File.ReadAllText(entry.Key).Should().Be(entry.Value));
    }

    [Fact]
    public void Commit_ManyAtOnceUnderOneName_EachKeptUnderItsOwnName()
    {
        const int Files = 20;
        string[] partials = Enumerable.Range(0, Files)
            .Select(i => WritePartial("same.txt", $"content {i}", SHA256.HashData(BitConverter.GetBytes(i))))
            .ToArray();

        string[] finals = new string[Files];
        Parallel.For(0, Files, i => finals[i] = _folder.Commit(partials[i], "same.txt"));

        finals.Should().OnlyHaveUniqueItems();
        finals.Select(File.ReadAllText).Should().BeEquivalentTo(Enumerable.Range(0, Files).Select(i => $"content {i}"));
        Directory.GetFiles(_directory).Should().HaveCount(Files);
    }

    [Fact]
    public void Commit_FinalName_NeverLooksLikeAPartial()
    {
        string final = _folder.Commit(WritePartial("report.pdf", "received"), "report.pdf");

        Path.GetFileName(final).Should().NotStartWith(".");
    }

    [Fact]
    public void Commit_PartialMissing_ThrowsFileNotFoundWithoutTryingOtherNames()
    {
        File.WriteAllText(Path.Combine(_directory, "report.pdf"), "mine");
        string partial = Path.Combine(_directory, PartialFiles.Prefix + "00");

        Action act = () => _folder.Commit(partial, "report.pdf");

        act.Should().Throw<FileNotFoundException>();
        Directory.GetFiles(_directory).Should().ContainSingle();
    }

    [Fact]
    public void Commit_PartialOutsideTheFolder_Throws()
    {
        string outside = Path.Combine(_directory, "sub", ".report.pdf.ba7816bf8f01cfea.securechat-partial");

        Action act = () => _folder.Commit(outside, "report.pdf");

        act.Should().Throw<ArgumentException>().WithParameterName("partialPath");
    }

    [Fact]
    public void Commit_NameNotMadeSafe_Throws()
    {
        string partial = WritePartial("report.pdf", "received");

        Action act = () => _folder.Commit(partial, "../report.pdf");

        act.Should().Throw<ArgumentException>().WithParameterName("safeName");
        File.Exists(partial).Should().BeTrue();
    }

    [Fact]
    public void Commit_FolderMissing_ThrowsDirectoryNotFound()
    {
        var missing = new ReceiveFolder(Path.Combine(_directory, "not-there"));
        string partial = Path.Combine(missing.Folder, ".report.pdf.ba7816bf8f01cfea.securechat-partial");

        Action commit = () => missing.Commit(partial, "report.pdf");

        commit.Should().Throw<DirectoryNotFoundException>().WithMessage("*not-there*");
    }

    private string WritePartial(string safeName, string content, byte[]? hash = null)
    {
        // Named as a partial file is: its transfer's random id (here derived from the content, to be unique).
        string partial = Path.Combine(_directory, PartialFiles.Prefix + safeName.Length + Convert.ToHexStringLower(hash ?? SHA256.HashData(Encoding.UTF8.GetBytes(content))));
        File.WriteAllText(partial, content);
        return partial;
    }
}
