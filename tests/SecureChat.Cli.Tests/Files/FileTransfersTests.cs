using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Files;

/// <summary>
/// Files through the chat loop over a real session: the commands, the policy (folder, size cap, scripts
/// refusing without a folder), verification before the final name, resume from a partial file, and a
/// peer's hostile name or wrong hash.
/// </summary>
public sealed partial class FileTransfersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("securechat-files-").FullName;

    private string Sent => Path.Combine(_root, "sent");

    private string Received => Path.Combine(_root, "received");

    public FileTransfersTests()
    {
        Directory.CreateDirectory(Sent);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Received);
        }
        else
        {
            // Owner-only whatever the umask: a receive folder others could write into is refused.
            Directory.CreateDirectory(Received, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task SendAndAccept_AtTerminals_FileArrivesVerified_ChatGoesOnDuringTheTransfer()
    {
        byte[] content = RandomNumberGenerator.GetBytes(3 * SecureSession.MaxFileChunkBytes + 123);
        string path = Write("photos.zip", content);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true);

        pair.BobScreen.Type($"/send {path}");
        await pair.AliceFiles.WaitForAsync<OfferWaiting>(o => o.Peer == "bob" && o.Name == "photos.zip");
        pair.AliceScreen.Type("/accept");
        pair.BobScreen.Type("still chatting");
        await pair.AliceScreen.WaitForAsync(s => s == "in bob: still chatting");
        await pair.BobFiles.WaitForAsync<FileVerifiedByPeer>(v => v.Peer == "alice" && v.Name == "photos.zip");
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => f.Peer == "bob" && f.Path == Path.Combine(Received, "photos.zip"));

        File.ReadAllBytes(Path.Combine(Received, "photos.zip")).Should().Equal(content);
        Directory.GetFiles(Received).Should().ContainSingle("the partial file took the final name");
        pair.AliceFiles.Of<TransferProgressed>().Should().Contain(p => p.Name == "photos.zip" && p.Direction == TransferDirection.Incoming && p.Held == content.Length, "progress at the receiver");
        pair.BobFiles.Of<TransferProgressed>().Should().Contain(p => p.Name == "photos.zip" && p.Direction == TransferDirection.Outgoing && p.Held == content.Length, "and at the sender");
    }

    [Fact]
    public async Task Offer_AtATerminalWhoseSettingSaysDoNotAsk_IsAcceptedIntoTheFolder()
    {
        byte[] content = RandomNumberGenerator.GetBytes(1000);
        string path = Write("notes.txt", content);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true, ask: false);

        await pair.Bob.Files.OfferAsync(path, default);

        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "notes.txt");
        pair.AliceFiles.Of<OfferWaiting>().Should().BeEmpty("the consent rule is the setting, not whether a person is at the terminal");
        File.ReadAllBytes(Path.Combine(Received, "notes.txt")).Should().Equal(content);
    }

    [Fact]
    public async Task Reject_AtATerminal_SenderHearsItAndNothingIsWritten()
    {
        string path = Write("x.bin", RandomNumberGenerator.GetBytes(1000));
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: true);

        pair.BobScreen.Type($"/send {path}");
        await pair.AliceFiles.WaitForAsync<OfferWaiting>(o => o.Name == "x.bin");
        pair.AliceScreen.Type("/reject");
        await pair.BobFiles.WaitForAsync<FileRefusedByPeer>(r => r == new FileRefusedByPeer("alice", "x.bin", "declined"));
        Directory.GetFileSystemEntries(Received).Should().BeEmpty();
    }

    [Fact]
    public async Task Script_WithoutAFolder_RefusesEveryOffer()
    {
        string path = Write("report.pdf", RandomNumberGenerator.GetBytes(1000));
        await using Pair pair = await Pair.StartAsync(new FilePolicy(null, ByteSize.DefaultMaxFileSize), interactive: false);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<OfferNotAccepted>(o => o.Name == "report.pdf");
        await pair.BobFiles.WaitForAsync<FileRefusedByPeer>(r => r.Name == "report.pdf" && r.Reason == "this side does not accept files");
    }

    [Fact]
    public async Task Oversize_IsRefusedBeforeAnyByteMoves_NoPartialFileIsLeft()
    {
        string path = Write("big.iso", RandomNumberGenerator.GetBytes(5000));
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, 4096), interactive: false);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<OfferTooLarge>(o => o.Name == "big.iso");
        await pair.BobFiles.WaitForAsync<FileRefusedByPeer>(r => r.Name == "big.iso" && r.Reason.StartsWith("too large", StringComparison.Ordinal));
        Directory.GetFileSystemEntries(Received).Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resume_FromAPartialFile_OnlyTheRestTravels_OrAllOfItWhenThePartialDiffers(bool partialMatches)
    {
        byte[] content = RandomNumberGenerator.GetBytes(4 * SecureSession.MaxFileChunkBytes);
        string path = Write("movie.mkv", content);
        byte[] held = partialMatches ? content[..(2 * SecureSession.MaxFileChunkBytes)] : RandomNumberGenerator.GetBytes(2 * SecureSession.MaxFileChunkBytes);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);
        PlantPartial(pair, "movie.mkv", content, held);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "movie.mkv");
        await pair.BobFiles.WaitForAsync<FileVerifiedByPeer>(v => v.Name == "movie.mkv");

        File.ReadAllBytes(Path.Combine(Received, "movie.mkv")).Should().Equal(content);
        Directory.GetFiles(Received).Should().ContainSingle("the partial file became the file, and its sidecar went");
        pair.AliceFiles.Of<ReceiveResumed>().Should().Equal(new ReceiveResumed("movie.mkv", held.Length, content.Length));
        pair.BobFiles.Of<SendingStarted>().Should().Equal(partialMatches
            ? new SendingStarted("alice", "movie.mkv", content.Length, held.Length, PeerCopyDiffers: false)
            : new SendingStarted("alice", "movie.mkv", content.Length, 0, PeerCopyDiffers: true));
    }

    [Fact]
    public async Task ExistingFile_IsNeverOverwritten_TheNewOneIsNumbered()
    {
        File.WriteAllText(Path.Combine(Received, "notes.txt"), "mine");
        byte[] content = RandomNumberGenerator.GetBytes(100);
        string path = Write("notes.txt", content);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false);

        await pair.Bob.Files.OfferAsync(path, default);
        await pair.AliceFiles.WaitForAsync<FileSaved>(f => Path.GetFileName(f.Path) == "notes (1).txt");
        File.ReadAllText(Path.Combine(Received, "notes.txt")).Should().Be("mine");
        File.ReadAllBytes(Path.Combine(Received, "notes (1).txt")).Should().Equal(content);
    }

    [Theory]
    [InlineData("../../escape.txt", "escape.txt")]
    [InlineData("C:\\Windows\\x.dll", "x.dll")]
    [InlineData("con", "_con")]
    [InlineData(".hidden", "hidden")]
    [InlineData("a\u001b[31mb\u202Ec\n.txt", "a[31mbc.txt")] // the escape character, the bidi override and the newline go
    public async Task HostileName_FromAPeer_LandsInsideTheFolderUnderASafeName(string offered, string expected)
    {
        byte[] content = RandomNumberGenerator.GetBytes(700);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false, bobLoop: false);

        await SendRawAsync(pair.BobSession, offered, content, SHA256.HashData(content));
        await pair.AliceFiles.WaitForAsync<FileSaved>();
        File.ReadAllBytes(Path.Combine(Received, expected)).Should().Equal(content);
        Directory.GetFileSystemEntries(Received).Should().ContainSingle();
        Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Should().BeEquivalentTo(["sent", "received"], "nothing is written outside the folder");
    }

    [Fact]
    public async Task WrongHash_FileIsDiscarded_SenderIsTold()
    {
        byte[] content = RandomNumberGenerator.GetBytes(700);
        await using Pair pair = await Pair.StartAsync(new FilePolicy(Received, ByteSize.DefaultMaxFileSize), interactive: false, bobLoop: false);

        FileRejected rejected = await SendRawAsync(pair.BobSession, "data.bin", content, SHA256.HashData([1, 2, 3])) as FileRejected
            ?? throw new InvalidOperationException("expected a rejection");
        rejected.Reason.Should().Contain("did not verify");
        await pair.AliceFiles.WaitForAsync<FileDiscarded>(d => d == new FileDiscarded("bob", "data.bin"));
        Directory.GetFileSystemEntries(Received).Should().BeEmpty("neither the file nor its partial stays");
    }

    /// <summary>Bob's side without the app: offers a file under any name and hash, sends it, and returns the verdict.</summary>
    private static async Task<SessionEvent> SendRawAsync(SecureSession bob, string name, byte[] content, byte[] sha256)
    {
        await using IAsyncEnumerator<SessionEvent> events = bob.ReadEventsAsync().GetAsyncEnumerator();
        ulong id = await bob.OfferFileAsync(name, content.Length, sha256);
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            switch (events.Current)
            {
                case FileAccepted accepted when accepted.File == id:
                    await bob.SendFileChunkAsync(id, 0, content);
                    break;
                case FileVerified or FileRejected:
                    return events.Current;
            }
        }

        throw new InvalidOperationException("The session ended before a verdict.");
    }

    /// <summary>A partial file of <paramref name="content"/> from Bob, as Alice kept it, holding <paramref name="held"/>.</summary>
    private PartialFile PlantPartial(Pair pair, string name, byte[] content, byte[] held, string? peer = null)
    {
        var partials = new PartialFiles(new ReceiveFolder(Received));
        (PartialFile partial, Microsoft.Win32.SafeHandles.SafeFileHandle file) = partials.Create(peer ?? BobKey(pair), name, content.Length, SHA256.HashData(content));
        using (file)
        {
            RandomAccess.Write(file, held, 0);
        }

        return partial;
    }

    private static string BobKey(Pair pair) => Convert.ToHexStringLower(pair.AliceSession.Peer.Fingerprint.Hash);

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(Sent, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Bob's and Alice's chat loops over one session pair, each with its own files.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly List<Task> _loops = [];

        private Pair(SecureSession bob, SecureSession alice, FakeTerminal bobScreen, FakeTerminal aliceScreen, ChatState bobState, ChatState aliceState, EventLog bobFiles, EventLog aliceFiles)
        {
            BobFiles = bobFiles;
            AliceFiles = aliceFiles;
            BobSession = bob;
            AliceSession = alice;
            BobScreen = bobScreen;
            AliceScreen = aliceScreen;
            Bob = bobState;
            Alice = aliceState;
        }

        public SecureSession BobSession { get; }

        public SecureSession AliceSession { get; }

        public FakeTerminal BobScreen { get; }

        public FakeTerminal AliceScreen { get; }

        public ChatState Bob { get; }

        /// <summary>What Bob's files published.</summary>
        public EventLog BobFiles { get; }

        /// <summary>What Alice's files published.</summary>
        public EventLog AliceFiles { get; }

        public ChatState Alice { get; }

        public static async Task<Pair> StartAsync(FilePolicy alicePolicy, bool interactive, bool bobLoop = true, FilePolicy? bobPolicy = null, bool? ask = null)
        {
            (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
            var bobScreen = new FakeTerminal(interactive);
            var aliceScreen = new FakeTerminal(interactive);
            var bobLog = new EventLog();
            var aliceLog = new EventLog();
            var bobFiles = new FileTransfers(bobLog, (bobPolicy ?? new FilePolicy(null, ByteSize.DefaultMaxFileSize)) with { AskBeforeAccepting = interactive }, NullLogger.Instance, TimeProvider.System);
            var aliceFiles = new FileTransfers(aliceLog, alicePolicy with { AskBeforeAccepting = ask ?? interactive }, NullLogger.Instance, TimeProvider.System);
            ChatLoop bobChat = await ChatDriver.TerminalLoopAsync(bob, bobScreen, "bob", TimeSpan.FromSeconds(5), bobFiles);
            ChatLoop aliceChat = await ChatDriver.TerminalLoopAsync(alice, aliceScreen, "alice", TimeSpan.FromSeconds(5), aliceFiles);
            var pair = new Pair(bob, alice, bobScreen, aliceScreen, bobChat.State, aliceChat.State, bobLog, aliceLog);
            if (bobLoop)
            {
                pair._loops.Add(bobChat.RunAsync(default));
            }

            pair._loops.Add(aliceChat.RunAsync(default));
            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            BobScreen.EndInput();
            AliceScreen.EndInput();
            await BobSession.DisposeAsync();
            await AliceSession.DisposeAsync();
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Bob.Dispose();
            Alice.Dispose();
        }
    }
}
