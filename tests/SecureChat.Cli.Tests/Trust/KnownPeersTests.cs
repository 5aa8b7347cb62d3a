using System.Runtime.Versioning;
using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Tests.Trust;

public sealed class KnownPeersTests : IDisposable
{
    private static readonly DateTimeOffset FirstNight = new(2026, 11, 22, 21, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new();
    private readonly FixedTime _time = new(FirstNight);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_MissingFileOrFolder_IsEmptyAndCreatesNothing()
    {
        string path = Path.Combine(_folder.Directory, "not", "yet", "known_peers");

        KnownPeers known = KnownPeers.Load(path);

        known.Entries.Should().BeEmpty();
        known.Find(PeerLabel.Name("alice")).Should().BeNull();
        Directory.Exists(Path.Combine(_folder.Directory, "not")).Should().BeFalse();
    }

    [Fact]
    public void Remember_ThenLoad_RoundTripsEveryEntry()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        _time.Now = FirstNight.AddMinutes(5).AddMilliseconds(750);
        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);
        known.Remember(PeerLabel.Address("::1", 7878), TestPeers.Mallory);

        KnownPeers reloaded = KnownPeers.Load(_folder.KnownPeersPath);

        reloaded.Path.Should().Be(_folder.KnownPeersPath);
        reloaded.Entries.Should().Equal(
            new KnownPeer(PeerLabel.Name("alice"), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Address("::1", 7878), TestPeers.Mallory, FirstNight.AddMinutes(5)));
        known.Entries.Should().Equal(reloaded.Entries);
        reloaded.Find(PeerLabel.Address("::1", 7878)).Should().Be(TestPeers.Mallory);
    }

    [Fact]
    public void Save_WritesAHeaderAndOneLinePerKeyWithItsLabels()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        known.Remember(PeerLabel.Name("mallory"), TestPeers.Mallory);
        _time.Now = FirstNight.AddDays(1);
        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);

        string[] lines = File.ReadAllLines(_folder.KnownPeersPath);

        lines.Should().HaveCount(3);
        lines[0].Should().StartWith("# ").And.Contain("<fingerprint> <first seen, UTC> <kind>:<value>");
        lines[1].Should().Be($"{TestPeers.Alice} 2026-11-22T21:00:00Z name:alice,address:127.0.0.1%3A7878");
        lines[2].Should().Be($"{TestPeers.Mallory} 2026-11-22T21:00:00Z name:mallory");
        Directory.GetFiles(_folder.Directory).Should().ContainSingle("the temporary file is renamed, not left behind");
    }

    [Theory]
    [InlineData("alice smith")]
    [InlineData("#not a comment")]
    [InlineData("Zoë 😀 名前")]
    [InlineData("100% sure %20 not a space")]
    [InlineData("tab\u00A0and nbsp")]
    [InlineData("quote \" and ' and `")]
    public void Remember_NameWithSpacesUnicodeOrHash_IsOneTokenAndReadsBack(string name)
    {
        // Names remembered before the TR39 rules may hold any of these; the file must still keep them whole.
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(new PeerLabel(PeerLabelKind.Name, name), TestPeers.Alice);

        string line = File.ReadAllLines(_folder.KnownPeersPath)[1];
        KnownPeers reloaded = KnownPeers.Load(_folder.KnownPeersPath);

        line.Split(' ').Should().HaveCount(3);
        line.Split(' ')[2].Should().StartWith("name:").And.NotContain("#").And.NotContain(",");
        reloaded.Entries.Should().ContainSingle().Which.Label.Value.Should().Be(name);
        reloaded.Find(new PeerLabel(PeerLabelKind.Name, name)).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public void Load_CommentsBlankLinesCarriageReturnsAndExtraSpaces_AreIgnored()
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"# my peers\r\n\r\n   \r\n  # indented comment\r\nname   alice\t{TestPeers.Alice}  2026-11-22T21:00:00Z  \r\n");

        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);

        known.Entries.Should().Equal(new KnownPeer(PeerLabel.Name("alice"), TestPeers.Alice, FirstNight));
    }

    [Fact]
    public void Load_HandWrittenAddressOrOffsetTime_IsReadInCanonicalForm()
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"address LocalHost:7878 {TestPeers.Alice} 2026-11-22T22:00:00+01:00\naddress ::1:7879 {TestPeers.Alice} 2026-11-22T21:00:00Z\n");

        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);

        known.Entries.Should().Equal(
            new KnownPeer(PeerLabel.Address("localhost", 7878), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Address("::1", 7879), TestPeers.Alice, FirstNight));
    }

    [Theory]
    [InlineData("name alice")]
    [InlineData("name alice {0} 2026-11-22T21:00:00Z extra")]
    [InlineData("host alice {0} 2026-11-22T21:00:00Z")]
    [InlineData("name alice SHA256:tooShort 2026-11-22T21:00:00Z")]
    [InlineData("name alice {0} yesterday")]
    [InlineData("name alice {0} 2026-11-22")]
    [InlineData("name bell%07 {0} 2026-11-22T21:00:00Z")]
    [InlineData("name %20alice {0} 2026-11-22T21:00:00Z")]
    [InlineData("address 127.0.0.1 {0} 2026-11-22T21:00:00Z")]
    [InlineData("address 127.0.0.1:0 {0} 2026-11-22T21:00:00Z")]
    [InlineData("address bad%20host:7878 {0} 2026-11-22T21:00:00Z")]
    [InlineData("name bob {0} 2026-11-22T21:00:00Z")]
    public void Load_MalformedLine_IsReportedWithFileAndLineNumber(string badLine)
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"# header\nname bob {TestPeers.Alice} 2026-11-22T21:00:00Z\n\n{string.Format(null, badLine, TestPeers.Mallory)}\n");

        Action load = () => KnownPeers.Load(_folder.KnownPeersPath);

        load.Should().Throw<KnownPeersException>()
            .Which.Message.Should().Contain(_folder.KnownPeersPath).And.Contain("line 4");
    }

    [Fact]
    public void Load_SameLabelTwice_NamesBothLines()
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"name alice {TestPeers.Alice} 2026-11-22T21:00:00Z\nname alice {TestPeers.Mallory} 2026-11-22T21:00:00Z\n");

        Action load = () => KnownPeers.Load(_folder.KnownPeersPath);

        load.Should().Throw<KnownPeersException>().WithMessage("*line 2*already listed on line 1*");
    }

    [Fact]
    public void Load_NotUtf8_IsReported()
    {
        File.WriteAllBytes(_folder.KnownPeersPath, [0x6E, 0x61, 0x6D, 0x65, 0x20, 0xFF, 0xFE, 0x0A]);

        Action load = () => KnownPeers.Load(_folder.KnownPeersPath);

        load.Should().Throw<KnownPeersException>().WithMessage($"*{_folder.KnownPeersPath}*UTF-8*");
    }

    [Fact]
    public void Remember_KnownLabelWithNewKey_MovesTheLabelToThatKey()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        known.Remember(PeerLabel.Name("bob"), TestPeers.Alice);
        _time.Now = FirstNight.AddDays(1);

        known.Remember(PeerLabel.Name("alice"), TestPeers.Mallory);

        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().Equal(
            new KnownPeer(PeerLabel.Name("bob"), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Name("alice"), TestPeers.Mallory, FirstNight.AddDays(1)));
        known.Find(PeerLabel.Name("alice")).Should().Be(TestPeers.Mallory);
    }

    [Fact]
    public void Remember_NewLabelForAKnownKey_KeepsTheKeysFirstSeenTime()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        _time.Now = FirstNight.AddDays(3);

        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);

        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().OnlyContain(entry => entry.FirstSeen == FirstNight);
    }

    [Fact]
    public void Load_OldOneLabelALineFile_FindsEveryKeyAndTheFirstWriteRewritesItOneKeyALine()
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"# old header\nname alice {TestPeers.Alice} 2026-11-22T21:00:00Z\n" +
            $"name mallory {TestPeers.Mallory} 2026-11-22T21:00:00Z\n" +
            $"address 127.0.0.1%3A7878 {TestPeers.Alice} 2026-11-23T21:00:00Z\n");

        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);

        known.Find(PeerLabel.Name("alice")).Should().Be(TestPeers.Alice);
        known.Find(PeerLabel.Address("127.0.0.1", 7878)).Should().Be(TestPeers.Alice);
        known.FindLookalikes("m\u0430llory").Should().ContainSingle().Which.Fingerprint.Should().Be(TestPeers.Mallory);
        File.ReadAllLines(_folder.KnownPeersPath)[1].Should().StartWith("name ", "loading alone does not rewrite the file");

        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);

        File.ReadAllLines(_folder.KnownPeersPath).Skip(1).Should().Equal(
            $"{TestPeers.Alice} 2026-11-22T21:00:00Z name:alice,address:127.0.0.1%3A7878",
            $"{TestPeers.Mallory} 2026-11-22T21:00:00Z name:mallory");
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().Equal(
            new KnownPeer(PeerLabel.Name("alice"), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice, FirstNight),
            new KnownPeer(PeerLabel.Name("mallory"), TestPeers.Mallory, FirstNight));
    }

    [Fact]
    public void Load_OldFileThenForget_RewritesItOneKeyALine()
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"name alice {TestPeers.Alice} 2026-11-22T21:00:00Z\nname bob {TestPeers.Mallory} 2026-11-22T21:00:00Z\n");

        KnownPeers.Load(_folder.KnownPeersPath).Forget("bob").Should().Be(1);

        File.ReadAllLines(_folder.KnownPeersPath).Skip(1).Should().Equal($"{TestPeers.Alice} 2026-11-22T21:00:00Z name:alice");
    }

    [Theory]
    [InlineData("{0} 2026-11-22T21:00:00Z")]
    [InlineData("{0} 2026-11-22T21:00:00Z name:alice,")]
    [InlineData("{0} 2026-11-22T21:00:00Z alice")]
    [InlineData("{0} 2026-11-22T21:00:00Z host:alice")]
    [InlineData("{0} yesterday name:carol")]
    [InlineData("SHA256:tooShort 2026-11-22T21:00:00Z name:carol")]
    [InlineData("{0} 2026-11-22T21:00:00Z name:bob")]
    [InlineData("{1} 2026-11-22T21:00:00Z name:carol")]
    public void Load_MalformedKeyLine_IsReportedWithFileAndLineNumber(string badLine)
    {
        File.WriteAllText(
            _folder.KnownPeersPath,
            $"# header\n{TestPeers.Alice} 2026-11-22T21:00:00Z name:bob\n\n{string.Format(null, badLine, TestPeers.Mallory, TestPeers.Alice)}\n");

        Action load = () => KnownPeers.Load(_folder.KnownPeersPath);

        load.Should().Throw<KnownPeersException>()
            .Which.Message.Should().Contain(_folder.KnownPeersPath).And.Contain("line 4");
    }

    [Fact]
    public void Remember_SameKeyAgain_KeepsTheFirstSeenTime()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        _time.Now = FirstNight.AddDays(1);

        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);

        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().ContainSingle().Which.FirstSeen.Should().Be(FirstNight);
    }

    [Fact]
    public void Remember_AfterAnotherWriterSaved_KeepsTheirEntries()
    {
        KnownPeers first = KnownPeers.Load(_folder.KnownPeersPath, _time);
        KnownPeers second = KnownPeers.Load(_folder.KnownPeersPath, _time);

        first.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        second.Remember(PeerLabel.Name("bob"), TestPeers.Mallory);

        second.Entries.Select(e => e.Label.Value).Should().Equal("alice", "bob");
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().HaveCount(2);
    }

    [Fact]
    public void Remember_LabelTheFactoriesWouldNotMake_IsRefused()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);

        known.Invoking(k => k.Remember(new PeerLabel(PeerLabelKind.Name, " alice"), TestPeers.Alice)).Should().Throw<ArgumentException>();
        known.Invoking(k => k.Remember(new PeerLabel(PeerLabelKind.Address, "LOCALHOST:7878"), TestPeers.Alice)).Should().Throw<ArgumentException>();
        known.Invoking(k => k.Remember(default, TestPeers.Alice)).Should().Throw<ArgumentException>();
        File.Exists(_folder.KnownPeersPath).Should().BeFalse();
    }

    [Theory]
    [InlineData("alice", 1)]
    [InlineData("name:alice", 1)]
    [InlineData("127.0.0.1:7878", 1)]
    [InlineData("address:127.0.0.1:7878", 1)]
    [InlineData("[::1]:7878", 1)]
    [InlineData("0:0:0:0:0:0:0:1:7878", 1)]
    [InlineData("LocalHost:7878", 1)]
    [InlineData("alice smith", 1)]
    [InlineData("carol", 0)]
    [InlineData("Alice", 0)]
    public void Forget_ByLabel_RemovesOnlyThatLabel(string text, int expected)
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);
        known.Remember(PeerLabel.Address("::1", 7878), TestPeers.Alice);
        known.Remember(PeerLabel.Address("localhost", 7878), TestPeers.Alice);
        known.Remember(PeerLabel.Name("alice smith"), TestPeers.Alice);

        int removed = known.Forget(text);

        removed.Should().Be(expected);
        known.Entries.Should().HaveCount(5 - expected);
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().Equal(known.Entries);
    }

    [Fact]
    public void Forget_ByFingerprint_RemovesEveryLabelOfThatKey()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);
        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);
        known.Remember(PeerLabel.Name("mallory"), TestPeers.Mallory);

        int removed = known.Forget(TestPeers.Alice.ToString());

        removed.Should().Be(2);
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().ContainSingle().Which.Label.Should().Be(PeerLabel.Name("mallory"));
    }

    [Fact]
    public void Forget_NothingMatches_LeavesTheFileUntouched()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath, _time);

        known.Forget("alice").Should().Be(0);

        File.Exists(_folder.KnownPeersPath).Should().BeFalse();
    }

    [UnixOnlyFact]
    [UnsupportedOSPlatform("windows")]
    public void Save_CreatesTheFile0600InFolders0700()
    {
        string path = Path.Combine(_folder.Directory, "home", "securechat", "known_peers");
        KnownPeers known = KnownPeers.Load(path);

        known.Remember(PeerLabel.Name("alice"), TestPeers.Alice);

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        File.GetUnixFileMode(Path.Combine(_folder.Directory, "home")).Should().Be(OwnerOnlyFolder);
        File.GetUnixFileMode(Path.GetDirectoryName(path)!).Should().Be(OwnerOnlyFolder);
    }

    [UnixOnlyFact]
    [UnsupportedOSPlatform("windows")]
    public void Save_OverAFileOthersCanRead_MakesIt0600()
    {
        File.WriteAllText(_folder.KnownPeersPath, "");
        File.SetUnixFileMode(_folder.KnownPeersPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        KnownPeers.Load(_folder.KnownPeersPath).Remember(PeerLabel.Name("alice"), TestPeers.Alice);

        File.GetUnixFileMode(_folder.KnownPeersPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Theory]
    [InlineData("127.0.0.1", 7878, "127.0.0.1:7878")]
    [InlineData("::1", 7878, "[::1]:7878")]
    [InlineData("[::1]", 7878, "[::1]:7878")]
    [InlineData("0:0:0:0:0:0:0:1", 1, "[::1]:1")]
    [InlineData("::ffff:192.168.1.2", 65535, "192.168.1.2:65535")]
    [InlineData("Chat.Example.COM", 443, "chat.example.com:443")]
    public void Address_IsCanonical(string host, int port, string expected)
    {
        PeerLabel label = PeerLabel.Address(host, port);

        label.Should().Be(new PeerLabel(PeerLabelKind.Address, expected));
        label.ToString().Should().Be("address:" + expected);
    }

    [Theory]
    [InlineData("", 7878)]
    [InlineData("a b", 7878)]
    [InlineData("host", 0)]
    [InlineData("host", 65536)]
    public void Address_BadHostOrPort_IsRefused(string host, int port)
    {
        Action make = () => PeerLabel.Address(host, port);

        make.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Name_FollowsThePeerNameRules()
    {
        PeerLabel.Name("alice").ToString().Should().Be("name:alice");
        ((Action)(() => PeerLabel.Name("bell\u0007"))).Should().Throw<ArgumentException>();
        ((Action)(() => PeerLabel.Name(new string('a', 65)))).Should().Throw<ArgumentException>();
    }
}
