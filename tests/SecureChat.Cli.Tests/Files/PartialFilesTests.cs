using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

/// <summary>Issue 15: partial files nobody can predict, redirect or pile up.</summary>
public sealed class PartialFilesTests : IDisposable
{
    private const string Bob = "b0b0";
    private const string Eve = "e7e7";
    private static readonly byte[] Hash = SHA256.HashData("abc"u8);

    private readonly string _directory = Directory.CreateTempSubdirectory("securechat-partials-").FullName;
    private readonly PartialFiles _partials;

    public PartialFilesTests()
    {
        _partials = new PartialFiles(new ReceiveFolder(_directory));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [LinuxOnlyFact]
    [UnsupportedOSPlatform("windows")]
    public void Create_IsOwnerOnly_RandomlyNamed_AndBelongsToItsPeer_Issue15()
    {
        (PartialFile first, var a) = _partials.Create(Bob, "notes.txt", 10, Hash);
        a.Dispose();
        (PartialFile second, var b) = _partials.Create(Bob, "notes.txt", 10, Hash);
        b.Dispose();

        File.GetUnixFileMode(_partials.PathOf(first)).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "item 3: not the umask's 0644");
        File.GetUnixFileMode(_partials.PathOf(first) + ".meta").Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        first.Id.Should().NotBe(second.Id, "item 2: the same file offered twice gets no predictable name");
        Path.GetFileName(_partials.PathOf(first)).Should().NotContain("notes").And.NotContain(Convert.ToHexStringLower(Hash)[..16]);
        _partials.Find(Bob, 10, Hash).Should().NotBeNull();
        _partials.Find(Eve, 10, Hash).Should().BeNull("item 7: another peer with the same hash finds nothing");
    }

    [LinuxOnlyTheory]
    [InlineData("symlink")]
    [InlineData("hardlink-to-victim")]
    [InlineData("second-name")]
    [InlineData("fifo")]
    [InlineData("other-file")]
    public void Open_SomethingPlantedAtThePartialName_IsRefused_TheVictimIsUntouched_Issue15(string plant)
    {
        string victim = Path.Combine(_directory, "authorized_keys");
        File.WriteAllText(victim, "victim");
        (PartialFile partial, var handle) = _partials.Create(Bob, "notes.txt", 10, Hash);
        handle.Dispose();
        string path = _partials.PathOf(partial);
        string elsewhere = Path.Combine(_directory, "elsewhere");
        switch (plant)
        {
            case "symlink":
                File.Delete(path);
                File.CreateSymbolicLink(path, victim);
                break;
            case "hardlink-to-victim":
                File.Delete(path);
                Run("ln", victim, path);
                break;
            case "second-name":
                Run("ln", path, elsewhere);
                break;
            case "fifo":
                File.Delete(path);
                Run("mkfifo", path);
                break;
            default:
                // Moved in while ours still exists, so the file system cannot hand the new file our inode.
                File.WriteAllText(elsewhere, "another file in its place");
                File.Move(elsewhere, path, overwrite: true);
                break;
        }

        Action open = () => _partials.Open(partial).Dispose();

        open.Should().Throw<PartialFileException>();
        File.ReadAllText(victim).Should().Be("victim");
        _partials.Remove(partial);
        File.ReadAllText(victim).Should().Be("victim", "removing unlinks the planted name, never its target");
    }

    [LinuxOnlyFact]
    public void MakeRoom_OverTheCountOrTheBytes_RemovesTheOldestOfThatPeerOnly_Issue15()
    {
        PartialFile[] bobs = [.. Enumerable.Range(0, 3).Select(i => Make(Bob, 100, DateTime.UtcNow.AddHours(-3 + i)))];
        PartialFile eves = Make(Eve, 100, DateTime.UtcNow.AddDays(-1));

        _partials.MakeRoom(Bob, maxCount: 2, maxBytes: long.MaxValue).Should().Equal(bobs[0], bobs[1]);
        _partials.List().Should().BeEquivalentTo([bobs[2], eves]);

        _partials.MakeRoom(Bob, maxCount: 10, maxBytes: 100).Should().Equal(bobs[2]);
        _partials.List().Should().Equal(eves);
    }

    [LinuxOnlyFact]
    public void RemoveOlderThan_SevenDays_RemovesOnlyThoseUntouchedThatLong_Issue15()
    {
        PartialFile old = Make(Bob, 10, DateTime.UtcNow.AddDays(-8));
        PartialFile recent = Make(Bob, 10, DateTime.UtcNow.AddDays(-6));

        _partials.RemoveOlderThan(DateTime.UtcNow.AddDays(-7)).Should().Equal(old);
        _partials.List().Should().Equal(recent);
        File.Exists(_partials.PathOf(old)).Should().BeFalse();
    }

    [LinuxOnlyFact]
    public void RemoveAll_OnePeerOrEveryone_LeavesOtherFilesAlone_Issue15()
    {
        Make(Bob, 10, DateTime.UtcNow);
        PartialFile eves = Make(Eve, 10, DateTime.UtcNow);
        File.WriteAllText(Path.Combine(_directory, "keep.txt"), "a received file");

        _partials.RemoveAll(Bob).Should().Be(1);
        _partials.List().Should().Equal(eves);
        _partials.RemoveAll(peer: null).Should().Be(1);
        Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName).Should().Equal("keep.txt");
    }

    internal static void Run(string program, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start");
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)}");
    }

    private PartialFile Make(string peer, int bytes, DateTime written)
    {
        (PartialFile partial, var handle) = _partials.Create(peer, "f.bin", 1000, SHA256.HashData(BitConverter.GetBytes(written.Ticks)));
        using (handle)
        {
            RandomAccess.Write(handle, new byte[bytes], 0);
        }

        File.SetLastWriteTimeUtc(_partials.PathOf(partial), written);
        return partial;
    }
}

/// <summary>A fact that needs Linux (statx, ln, mkfifo): skipped elsewhere.</summary>
internal sealed class LinuxOnlyFactAttribute : FactAttribute
{
    public LinuxOnlyFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: device, inode and link count come from statx.";
        }
    }
}

/// <summary>A theory that needs Linux: skipped elsewhere.</summary>
internal sealed class LinuxOnlyTheoryAttribute : TheoryAttribute
{
    public LinuxOnlyTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: device, inode and link count come from statx.";
        }
    }
}
