using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Files;

/// <summary>
/// Issue 20 item 6: the sender's bar showed bytes handed to its socket ("100 % 18.3 MB/s" on a 64 kbit/s
/// link, with the receiver at 84 %). Across the link simulator with a rate cap, every progress event the
/// sender publishes is checked, the moment it is published, against what the receiver holds on disk.
/// </summary>
public sealed class SenderProgressTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("securechat-progress-").FullName;

    public SenderProgressTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sent"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Received);
        }
        else
        {
            Directory.CreateDirectory(Received, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string Received => Path.Combine(_root, "received");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task SenderBar_OnARateCappedLink_NeverShowsMoreThanTheReceiverHolds()
    {
        // 600 KB at 2 Mbit/s: about 2.4 s on the link, while the sender's socket and the relay take far
        // more than a chunk at once, so a bar counting what was handed over would run ahead.
        byte[] content = RandomNumberGenerator.GetBytes(600_000);
        string path = Path.Combine(_root, "sent", "slow.bin");
        await File.WriteAllBytesAsync(path, content);
        var samples = new List<(long Shown, long Held)>();
        var bobLog = new EventLog();
        var bobEvents = new ProgressProbe(bobLog, shown =>
        {
            long held = HeldBytes(); // first what the receiver holds, then the bar: the bar may only lag
            lock (samples)
            {
                samples.Add((shown, held));
            }
        });
        var bobScreen = new FakeTerminal(interactive: true);
        var aliceScreen = new FakeTerminal(interactive: false);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var link = new LinkSimulator(((IPEndPoint)listener.LocalEndpoint).Port, LinkProfile.Kbps(2_000, TimeSpan.FromMilliseconds(20)));
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAcrossAsync(listener, link.Port);
        await using (bob)
        await using (alice)
        {
            var bobFiles = new FileTransfers(bobEvents, new FilePolicy(null, ByteSize.DefaultMaxFileSize) with { AskBeforeAccepting = true }, NullLogger.Instance, TimeProvider.System);
            var aliceFiles = new FileTransfers(new EventLog(), new FilePolicy(Received, ByteSize.DefaultMaxFileSize) with { AskBeforeAccepting = false }, NullLogger.Instance, TimeProvider.System);
            ChatLoop bobChat = await ChatDriver.TerminalLoopAsync(bob, bobScreen, "bob", TimeSpan.FromSeconds(5), bobFiles);
            ChatLoop aliceChat = await ChatDriver.TerminalLoopAsync(alice, aliceScreen, "alice", TimeSpan.FromSeconds(5), aliceFiles);
            Task loops = Task.WhenAll(bobChat.RunAsync(default), aliceChat.RunAsync(default));
            try
            {
                await bobFiles.OfferAsync(path, default);
                await bobLog.WaitForAsync<FileVerifiedByPeer>();
            }
            finally
            {
                bobScreen.EndInput();
                aliceScreen.EndInput();
                await bob.DisposeAsync();
                await alice.DisposeAsync();
                await loops.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                bobChat.State.Dispose();
                aliceChat.State.Dispose();
            }
        }

        File.ReadAllBytes(Path.Combine(Received, "slow.bin")).Should().Equal(content);
        List<(long Shown, long Held)> drawn;
        lock (samples)
        {
            drawn = [.. samples];
        }

        drawn.Should().Contain(s => s.Shown > 0 && s.Shown < content.Length, "the bar moved as the receiver's reports came in");
        drawn.Should().OnlyContain(s => s.Shown <= s.Held, "the sender shows what the receiver confirmed holding, never more");
    }

    /// <summary>What Alice holds: her partial file, or the finished one.</summary>
    private long HeldBytes()
    {
        string final = Path.Combine(Received, "slow.bin");
        return File.Exists(final)
            ? new FileInfo(final).Length
            : Directory.GetFiles(Received, PartialFiles.Prefix + "*").Where(f => !f.EndsWith(".meta", StringComparison.Ordinal)).Select(f => new FileInfo(f).Length).DefaultIfEmpty(0).Max();
    }

    /// <summary>Passes every event on, and samples each of the sender's progress events the moment it is published.</summary>
    private sealed class ProgressProbe(EventLog log, Action<long> onOutgoing) : IChatEvents
    {
        public void Publish(ChatEvent chatEvent)
        {
            if (chatEvent is TransferProgressed { Direction: TransferDirection.Outgoing } progress)
            {
                onOutgoing(progress.Held);
            }

            log.Publish(chatEvent);
        }
    }
}
