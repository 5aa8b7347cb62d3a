using System.Text.RegularExpressions;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Files between the real apps (issue 7): both ways in one conversation while lines are chatted, a file
/// over the receiver's --max-file-size, and a script that was not told where to put files.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class FileTransferTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    [Fact]
    public async Task FilesBothWaysWhileChatting_BothArriveWithTheirSha256AndEverythingEndsWith0()
    {
        string work = Sandbox.NewHome("files");
        string fromUser2 = SampleFile.Create(Path.Combine(work, "out2", "holiday.bin"), 1_500_000, seed: 2);
        string fromUser1 = SampleFile.Create(Path.Combine(work, "out1", "notes.dat"), 1_000_003, seed: 1);
        string dirA = Directory.CreateDirectory(Path.Combine(work, "dirA")).FullName;
        string dirB = Directory.CreateDirectory(Path.Combine(work, "dirB")).FullName;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dirA, "--send", fromUser1, "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, ["--accept-files", dirB, "--send", fromUser2, "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);

        for (int i = 1; i <= 3; i++)
        {
            await user2.WriteLineAsync($"from User2 line {i}");
            await user1.WriteLineAsync($"from User1 line {i}");
        }

        // Both files are under way (each side accepted the other's offer): User1's script ends now, and it
        // must still see both transfers through before it leaves.
        await user1.WaitForStderrAsync("accepting into");
        await user2.WaitForStderrAsync("accepting into");
        user1.CloseInput();
        int user1Exit = await user1.WaitForExitAsync();
        int user2Exit = await user2.WaitForExitAsync();

        user1Exit.Should().Be(0, user1.Transcript);
        user2Exit.Should().Be(0, user2.Transcript);
        SampleFile.Sha256(Path.Combine(dirA, "holiday.bin")).Should().Be(SampleFile.Sha256(fromUser2));
        SampleFile.Sha256(Path.Combine(dirB, "notes.dat")).Should().Be(SampleFile.Sha256(fromUser1));
        SampleFile.Tree(dirA).Should().Equal(["holiday.bin"], "no partial file is left behind");
        SampleFile.Tree(dirB).Should().Equal(["notes.dat"], "no partial file is left behind");
        user1.Stderr.Should().Contain($"Received holiday.bin (1.5 MB) from User2 into {Path.Combine(dirA, "holiday.bin")}: SHA-256 verified.", user1.Transcript)
            .And.Contain("notes.dat (1 MB) arrived at User2: SHA-256 verified.");
        user2.Stderr.Should().Contain($"Received notes.dat (1 MB) from User1 into {Path.Combine(dirB, "notes.dat")}: SHA-256 verified.", user2.Transcript)
            .And.Contain("holiday.bin (1.5 MB) arrived at User1: SHA-256 verified.");
        user1.Stdout.Select(Text).Should().Equal(["from User2 line 1", "from User2 line 2", "from User2 line 3"], user1.Transcript);
        user2.Stdout.Select(Text).Should().Equal(["from User1 line 1", "from User1 line 2", "from User1 line 3"], user2.Transcript);
    }

    [Fact]
    public async Task FileOverTheReceiversMaxFileSize_RefusedOnBothSidesNothingStoredAndTheChatGoesOn()
    {
        string work = Sandbox.NewHome("files");
        string big = SampleFile.Create(Path.Combine(work, "out", "ten-kb.bin"), 10_000, seed: 3);
        string dirA = Directory.CreateDirectory(Path.Combine(work, "dirA")).FullName;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dirA, "--max-file-size", "1KB", "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, ["--send", big, "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);

        string refused = await user1.WaitForStderrAsync("Refused ten-kb.bin");
        string notTaken = await user2.WaitForStderrAsync("did not take ten-kb.bin");
        await ChatAndEndAsync(user1, user2);

        refused.Should().Be("warning: Refused ten-kb.bin from User2: 10 KB is more than --max-file-size (1 KB).");
        notTaken.Should().Be("warning: User1 did not take ten-kb.bin: too large: 10 KB; this side accepts at most 1 KB");
        SampleFile.Tree(dirA).Should().BeEmpty("a refused file leaves nothing, not even a partial file");
        user2.StderrText.Should().NotContain("arrived at");
    }

    [Fact]
    public async Task ScriptWithoutAcceptFiles_RefusesTheOfferTheSenderIsToldAndNothingIsWritten()
    {
        string work = Sandbox.NewHome("files");
        string name = $"unasked-{Guid.NewGuid():N}.bin";
        string file = SampleFile.Create(Path.Combine(work, "out", name), 20_000, seed: 4);
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, ["--send", file, "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);

        string refused = await user1.WaitForStderrAsync($"Refused {name}");
        string notTaken = await user2.WaitForStderrAsync($"did not take {name}");
        await ChatAndEndAsync(user1, user2);

        refused.Should().Be($"warning: Refused {name} (20 KB) from User2: run with --accept-files DIR to accept files.");
        notTaken.Should().Be($"warning: User1 did not take {name}: this side does not accept files");

        // Nothing lands in the current folder (the apps run in the temp folder), nor anywhere else.
        Directory.EnumerateFileSystemEntries(Path.GetTempPath(), "*" + name.Replace(".bin", string.Empty, StringComparison.Ordinal) + "*").Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(work, "*", SearchOption.AllDirectories).Should().Equal([Path.Combine(work, "out"), file]);
    }

    private static string Text(string line) => MessageLine().Match(line) is { Success: true } m ? m.Groups[1].Value : line;

    [GeneratedRegex(@"^\d\d:\d\d:\d\d User\d: (.*)$")]
    private static partial Regex MessageLine();
}
