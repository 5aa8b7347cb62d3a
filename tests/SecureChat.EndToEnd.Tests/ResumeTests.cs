using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// A transfer cut by the network resumes (issue 7): the proxy cuts the first connection inside the chunk
/// at 10%, 50% or 99% of the file; User2 reconnects (or is started again), offers the file again, and
/// User1 accepts it from the partial file it kept, so only the rest travels and the whole verifies.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class ResumeTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private const int ChunkBytes = 48 * 1024; // SecureSession.MaxFileChunkBytes
    private const int Chunks = 60;
    private const int FileSize = (Chunks * ChunkBytes) + 1000; // 2.95 MB: 61 chunks, the last a short one

    /// <summary>Toward User1: hello, key, finish, resume, then User2's records: the offer, then the chunks.</summary>
    private const int FirstChunkFrame = 6;

    /// <summary>How long the proxy holds the chunk it cuts: ample for the meter to read what came before it.</summary>
    private static readonly TimeSpan CutHold = TimeSpan.FromMilliseconds(300);

    private readonly ITestOutputHelper _output = output;

    /// <summary>
    /// The proxy holds the chunk to cut for a moment, so that every chunk before it has left the proxy's
    /// socket buffer, which the reset would discard; a TrafficMeter (a buffering hop) after the proxy takes
    /// them in at once whatever User1's pace, and counts what the second connection carried. So exactly
    /// the chunks before the cut one reach User1, and the percentages are exact.
    /// </summary>
    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(99)]
    public async Task ConnectionCutInsideTheChunkAtPercent_User2Reconnects_TheRestIsSentAndTheFileVerifies(int percent)
    {
        string work = Sandbox.NewHome("resume");
        string file = SampleFile.Create(Path.Combine(work, "out", "video.bin"), FileSize, seed: percent);
        string dir = Directory.CreateDirectory(Path.Combine(work, "dir")).FullName;
        int cutChunk = (int)((long)FileSize * percent / 100 / ChunkBytes);
        long held = (long)cutChunk * ChunkBytes;
        string heldPercent = string.Create(CultureInfo.InvariantCulture, $"{held * 100 / FileSize}%");

        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--accept-files", dir, "--wait", ReceiptWait]);
        await using var meter = new TrafficMeter(port);
        await using FaultProxy proxy = FaultProxy.Start(meter.Port, new Fault(FaultKind.HoldThenCut, Toward.Listener, FirstChunkFrame + cutChunk, CutHold));
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, ["--reconnect", "--send", file, "--wait", ReceiptWait]);

        await user2.WaitForStderrAsync("Connection lost — reconnecting in 0.25 s…");
        string resuming = await user1.WaitForStderrAsync("Resuming video.bin");
        string rest = await user2.WaitForStderrAsync("already holds");
        await user1.WaitForStderrAsync("Received video.bin");
        await user2.WaitForStderrAsync("video.bin (2.95 MB) arrived at User1: SHA-256 verified.");
        user1.CloseInput();
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);

        // The numbering the fault relies on: the offer, then chunk after chunk up to the one that was cut.
        IReadOnlyList<ProxiedFrame> toUser1 = [.. proxy.Frames.Where(f => f.Toward == Toward.Listener)];
        toUser1.Should().HaveCount(FirstChunkFrame + cutChunk, "nothing goes through after the cut frame");
        toUser1[FirstChunkFrame - 2].PayloadLength.Should().BeLessThan(2000, "frame 5 is the offer");
        toUser1.Skip(FirstChunkFrame - 1).Should().OnlyContain(f => f.Type == "binary record" && f.PayloadLength > ChunkBytes, "frames 6 on are whole chunks");

        resuming.Should().Be($"Resuming video.bin: {heldPercent} is here already.");
        rest.Should().Be($"User1 already holds {heldPercent} of video.bin; sending the rest.");
        user1.Stderr.Should().Contain($"Received video.bin (2.95 MB) from User2 into {Path.Combine(dir, "video.bin")}: SHA-256 verified.");
        SampleFile.Sha256(Path.Combine(dir, "video.bin")).Should().Be(SampleFile.Sha256(file));
        SampleFile.Tree(dir).Should().Equal(["video.bin"], "the partial file became the received file");

        // Only the rest crossed the second connection: its chunks, plus a handshake and an offer.
        int chunkFrame = toUser1[FirstChunkFrame - 1].PayloadLength + 4;
        long restChunks = Chunks + 1 - cutChunk;
        meter.Connections.Should().HaveCountGreaterThanOrEqualTo(2, "one cut connection, then the one that resumed (after any User1 turned away as busy)");
        long second = meter.Connections[^1].ToListener;
        _output.WriteLine($"second connection carried {second} bytes toward User1; the whole file takes {(Chunks + 1) * (long)chunkFrame}");
        second.Should().BeLessThan((restChunks * chunkFrame) + (16 * 1024)).And.BeGreaterThan((restChunks - 1) * chunkFrame);
    }

    /// <summary>
    /// Regression: a script whose input has ended waits for its file before leaving, and with --reconnect
    /// a connection lost during that wait must be re-established to finish the transfer (User2 used to
    /// leave at once, listing the file as undelivered, and exit 75).
    /// </summary>
    [Fact]
    public async Task ConnectionCutAfterTheScriptsInputEnded_User2StillReconnects_AndTheFileArrives()
    {
        string work = Sandbox.NewHome("resume");
        string file = SampleFile.Create(Path.Combine(work, "out", "video.bin"), FileSize, seed: 8);
        string dir = Directory.CreateDirectory(Path.Combine(work, "dir")).FullName;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--accept-files", dir, "--wait", ReceiptWait]);
        await using var meter = new TrafficMeter(port);
        await using FaultProxy proxy = FaultProxy.Start(meter.Port, new Fault(FaultKind.HoldThenCut, Toward.Listener, FirstChunkFrame + (Chunks / 2), CutHold));
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, ["--reconnect", "--send", file, "--wait", ReceiptWait]);
        user2.CloseInput(); // User2 has nothing to say: it only sends the file

        int exit = await user2.WaitForExitAsync();
        await user1.WaitForStderrAsync("Received video.bin");

        exit.Should().Be(0, user2.Transcript);
        user2.Stderr.Should().Contain("warning: Connection lost — reconnecting in 0.25 s…").And.Contain("video.bin (2.95 MB) arrived at User1: SHA-256 verified.");
        user2.StderrText.Should().NotContain("never confirmed delivered");
        user1.Stderr.Should().Contain("Resuming video.bin: 49% is here already.", user1.Transcript);
        SampleFile.Sha256(Path.Combine(dir, "video.bin")).Should().Be(SampleFile.Sha256(file));
    }

    /// <summary>
    /// Here the proxy's reset reaches User1 directly, so the chunks still in the proxy's socket buffer are
    /// lost with the connection, as on a real network: User1 holds some part of the first half, and the
    /// transfer resumes from exactly that part, whatever it is.
    /// </summary>
    [Fact]
    public async Task ConnectionCutAtHalfWithoutReconnect_AFreshUser2SendsTheSameFile_ItResumesFromThePartialFile()
    {
        string work = Sandbox.NewHome("resume");
        string file = SampleFile.Create(Path.Combine(work, "out", "video.bin"), FileSize, seed: 7);
        string dir = Directory.CreateDirectory(Path.Combine(work, "dir")).FullName;
        int cutChunk = Chunks / 2;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--accept-files", dir, "--wait", ReceiptWait]);
        await using FaultProxy proxy = FaultProxy.Start(port, new Fault(FaultKind.Cut, Toward.Listener, FirstChunkFrame + cutChunk));
        ChatProcess first = Sandbox.StartConnector(proxy.Port, homes.User2, ["--send", file, "--wait", ReceiptWait], label: "User2 first");

        (await first.WaitForExitAsync()).Should().Be(69, first.Transcript);
        await user1.WaitForStderrAsync("Still listening");
        // The partial file and its sidecar, under a random name (issue 15: nothing a planted link could predict).
        SampleFile.Tree(dir).Should().HaveCount(2, first.Transcript).And.OnlyContain(n => n.StartsWith(".securechat-partial-", StringComparison.Ordinal));

        ChatProcess second = Sandbox.StartConnector(port, homes.User2, ["--send", file, "--wait", ReceiptWait], label: "User2 again");
        string resuming = await user1.WaitForStderrAsync("Resuming video.bin");
        string rest = await second.WaitForStderrAsync("already holds");
        await second.WaitForStderrAsync("video.bin (2.95 MB) arrived at User1: SHA-256 verified.");
        user1.CloseInput();
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await second.WaitForExitAsync()).Should().Be(0, second.Transcript);

        int held = HeldPercent().Match(resuming) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        held.Should().BeInRange(1, 49, resuming);
        rest.Should().Be($"User1 already holds {held}% of video.bin; sending the rest.");
        first.Stderr.Should().Contain("warning:   file video.bin (to User1)", "the first run lists the file it did not deliver");
        SampleFile.Sha256(Path.Combine(dir, "video.bin")).Should().Be(SampleFile.Sha256(file));
        SampleFile.Tree(dir).Should().Equal(["video.bin"]);
    }

    [GeneratedRegex(@"^Resuming video\.bin: (\d+)% is here already\.$")]
    private static partial Regex HeldPercent();
}
