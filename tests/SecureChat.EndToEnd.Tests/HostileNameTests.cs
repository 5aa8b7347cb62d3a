using System.Globalization;
using System.Text;
using SecureChat.EndToEnd.Tests.Harness;
using SecureChat.Protocol.Session;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// File names chosen by the other side (issue 7): whatever a peer calls its file, the receiver stores it
/// inside its --accept-files folder only, under a name that is no path, no dotfile, no Windows device, no
/// terminal trick, at most 200 UTF-8 bytes with its extension kept, and never over a file already there.
/// Names a Linux file can have are sent by the real User2 from files on disk; names no file can have
/// (separators, a drive, 4,000 characters) by a test-only peer built on the protocol library.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class HostileNameTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private const int MaxSafeNameBytes = 200;

    private static readonly string[] DeviceNames = ["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"];

    [Fact]
    public async Task HostileNamesOnDisk_SentByUser2_LandInsideTheFolderUnderSafeNamesAndNothingIsOverwritten()
    {
        string work = Sandbox.NewHome("names");
        string outbox = Path.Combine(work, "out");
        string dirA = Directory.CreateDirectory(Path.Combine(work, "in", "deeper", "dirA")).FullName;
        const string OldReport = "the report that was here first\n";
        File.WriteAllText(Path.Combine(dirA, "report.txt"), OldReport);
        string longName = new string('b', 251) + ".txt"; // 255 bytes, the longest name Linux allows
        var sent = new (string OnDisk, string Expected)[]
        {
            ("con", "_con"),
            ("x\ny", "xy"),
            ("\u001b[31mred.txt", "[31mred.txt"),
            ("evil\u202Etxt.exe", "eviltxt.exe"),
            (".hidden", "hidden"),
            ("report.txt", "report (1).txt"),
            (longName, new string('b', MaxSafeNameBytes - 4) + ".txt"),
        };
        var shaOf = new Dictionary<string, string>();
        int seed = 10;
        foreach ((string onDisk, string expected) in sent)
        {
            shaOf[expected] = SampleFile.Sha256(SampleFile.Create(Path.Combine(outbox, onDisk), 3000 + seed, seed++));
        }

        IReadOnlyList<string> before = SampleFile.Tree(work);
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dirA, "--wait", ReceiptWait]);
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, [.. sent.SelectMany(f => new[] { "--send", Path.Combine(outbox, f.OnDisk) }), "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);
        await user2.WaitForStderrAsync(_ => user2.Stderr.Count(l => l.Contains("SHA-256 verified", StringComparison.Ordinal)) == sent.Length, $"{sent.Length} verified files");
        user2.CloseInput();
        user1.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);

        File.ReadAllText(Path.Combine(dirA, "report.txt")).Should().Be(OldReport, "a file already there is never overwritten");
        SampleFile.Tree(work).Except(before).Should().BeEquivalentTo(sent.Select(f => Path.Combine("in", "deeper", "dirA", f.Expected)), "files land in the accept folder and nowhere else\n" + user1.Transcript);
        foreach ((string _, string expected) in sent)
        {
            ShouldBeSafe(expected);
            SampleFile.Sha256(Path.Combine(dirA, expected)).Should().Be(shaOf[expected], expected);
        }

        user1.StderrText.Should().NotContain("\u001b").And.NotContain("\u202E");
    }

    [Fact]
    public async Task NamesNoFileCanHave_OfferedByAProtocolPeer_LandInsideTheFolderUnderSafeNames()
    {
        string work = Sandbox.NewHome("names");
        string dirA = Directory.CreateDirectory(Path.Combine(work, "in", "deeper", "dirA")).FullName;
        var offered = new (string Offered, string Expected)[]
        {
            ("../../etc/passwd", "passwd"),
            ("..\\..\\AUTOEXEC.BAT", "AUTOEXEC.BAT"),
            ("C:\\x", "x"),
            ("D:evil.cmd", "evil.cmd"),
            ("/etc/cron.d/job", "job"),
            ("nul.tar.gz", "_nul.tar.gz"),
            ("...", "file"),
            ("COM1.txt", "_COM1.txt"),
            ("what?<>|*\".txt", "what.txt"),
            ("line\r\nbreak\u0007\u001b]0;pwned\u0007.txt", "linebreak]0;pwned.txt"),
            ("\u202Efdp.exe", "fdp.exe"),
            (new string('a', 3996) + ".txt", new string('a', MaxSafeNameBytes - 4) + ".txt"),
            (string.Concat(Enumerable.Repeat("é", 3996)) + ".pdf", string.Concat(Enumerable.Repeat("é", (MaxSafeNameBytes - 4) / 2)) + ".pdf"),
        };
        IReadOnlyList<string> before = SampleFile.Tree(work);
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dirA, "--wait", ReceiptWait]);
        var shaOf = new Dictionary<string, string>();
        await using (ProtocolPeer peer = await ProtocolPeer.ConnectAsync(port, homes.User2, "User2"))
        {
            int seed = 20;
            foreach ((string name, string expected) in offered)
            {
                byte[] content = new byte[60_000 + seed];
                new Random(seed++).NextBytes(content);
                shaOf[expected] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
                SessionEvent verdict = await peer.SendFileAsync(name, content);
                verdict.Should().BeOfType<FileVerified>($"{name[..Math.Min(name.Length, 20)]}…\n{user1.Transcript}");
            }
        }

        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        SampleFile.Tree(work).Except(before).Should().BeEquivalentTo(offered.Select(f => Path.Combine("in", "deeper", "dirA", f.Expected)), "files land in the accept folder and nowhere else\n" + user1.Transcript);
        foreach ((string _, string expected) in offered)
        {
            ShouldBeSafe(expected);
            SampleFile.Sha256(Path.Combine(dirA, expected)).Should().Be(shaOf[expected], expected);
        }

        user1.Stderr.Should().Contain(line => line.StartsWith("User2 offers ../../etc/passwd (saved as passwd), ", StringComparison.Ordinal), user1.Transcript);
        File.Exists(Path.Combine(work, "etc", "passwd")).Should().BeFalse();
    }

    /// <summary>The rules for a stored name, checked independently of how the app makes it.</summary>
    private static void ShouldBeSafe(string name)
    {
        name.Should().NotContainAny(["/", "\\"]);
        name.Should().NotStartWith(".");
        Encoding.UTF8.GetByteCount(name).Should().BeLessThanOrEqualTo(MaxSafeNameBytes, name);
        name.EnumerateRunes().Should().NotContain(r => Rune.GetUnicodeCategory(r) == UnicodeCategory.Control || Rune.GetUnicodeCategory(r) == UnicodeCategory.Format, name);
        string stem = name.Split('.')[0].TrimEnd();
        DeviceNames.Should().NotContain(d => string.Equals(d, stem, StringComparison.OrdinalIgnoreCase), name);
    }
}
