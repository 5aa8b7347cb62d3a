using System.Security.Cryptography;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

/// <summary>Issue 15: the receive folder is opened once, and what is done in it stays in it.</summary>
public sealed class ReceiveFolderSwapTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("securechat-swap-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [LinuxOnlyFact]
    public void FolderSwappedForALink_AfterItWasOpened_CreateWriteAndCommitStayInTheOpenedFolder_Issue15()
    {
        string folder = Path.Combine(_root, "incoming");
        string victim = Path.Combine(_root, "victim");
        string moved = Path.Combine(_root, "moved");
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(victim);
        var receive = new ReceiveFolder(folder);
        receive.CheckSafe(); // opens the folder
        var partials = new PartialFiles(receive);

        Directory.Move(folder, moved);
        Directory.CreateSymbolicLink(folder, victim);
        (PartialFile partial, var file) = partials.Create("b0b0", "notes.txt", 5, SHA256.HashData("hello"u8));
        using (file)
        {
            RandomAccess.Write(file, "hello"u8, 0);
        }

        receive.Commit(partials.PathOf(partial), "notes.txt");
        partials.Remove(partial); // its sidecar

        Directory.EnumerateFileSystemEntries(victim).Should().BeEmpty("the link put in the folder's place redirects nothing");
        File.ReadAllText(Path.Combine(moved, "notes.txt")).Should().Be("hello");
        Directory.EnumerateFileSystemEntries(moved).Should().ContainSingle();
    }

    [LinuxOnlyFact]
    public void FolderThatIsALink_IsRefused_NotFollowed_Issue15()
    {
        string victim = Path.Combine(_root, "victim");
        string link = Path.Combine(_root, "link");
        Directory.CreateDirectory(victim);
        Directory.CreateSymbolicLink(link, victim);

        Action check = () => new ReceiveFolder(link).CheckSafe();

        check.Should().Throw<UnsafeFolderException>().WithMessage("*symbolic link*");
    }
}
