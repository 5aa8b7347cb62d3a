using SecureChat.Cli.Commands;

namespace SecureChat.Cli.Tests.Commands;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData(ChatRole.Listener, "--once")]
    [InlineData(ChatRole.Connector, "--retry")]
    public async Task Help_ListsOptionsAndExitCodes(ChatRole role, string roleOption)
    {
        AppRun run = await AppRun.RunAsync(role, "--help");

        run.ExitCode.Should().Be(ExitCode.Success);
        run.Output.Should().Contain("--port").And.Contain("--home").And.Contain("--psk-env").And.Contain("--peer-fingerprint")
            .And.Contain("--trust").And.Contain("--suite").And.Contain("--verbosity").And.Contain(roleOption)
            .And.Contain("Exit codes:").And.Contain("77");
    }

    [Fact]
    public async Task Help_HidesTheTimeoutOptions()
    {
        AppRun run = await AppRun.RunAsync(ChatRole.Listener, "--help");

        run.Output.Should().NotContain("--keepalive").And.NotContain("--hello-timeout").And.NotContain("--peer-timeout");
    }

    [Fact]
    public async Task Help_ShowsTheHandshakeTimeoutAndHowItFollowsTheLink()
    {
        // Issue 20 item 3: the option a user on a slow link needs is documented, with the stretch.
        AppRun run = await AppRun.RunAsync(ChatRole.Connector, "--help");

        run.Output.Should().Contain("--handshake-timeout").And.Contain("6 measured round trips, at most 60 s");
    }

    [Fact]
    public async Task Help_OnceAndReconnect_EachSaysTheyDoNotCombine()
    {
        // Issue 20 item 5: User1 --once exits at the first drop, so User2 --reconnect would find nobody.
        AppRun listener = await AppRun.RunAsync(ChatRole.Listener, "--help");
        AppRun connector = await AppRun.RunAsync(ChatRole.Connector, "--help");

        listener.Output.Should().Contain("--once").And.Contain("does not combine with User2's --reconnect");
        connector.Output.Should().Contain("--reconnect").And.Contain("Needs a User1 that keeps listening (not --once)");
    }

    [Fact]
    public void TimeoutOptions_Given_ReachTheSettings()
    {
        var commandLine = new ChatCommand(ChatRole.Listener, ScriptConsole());
        System.CommandLine.ParseResult parse = commandLine.Parse(
            ["--handshake-timeout", "2", "--frame-timeout", "1.5", "--keepalive", "0.25", "--peer-timeout", "0.75", "--decision-timeout", "3", "--hello-timeout", "0.5"]);

        ChatSettings settings = commandLine.ToSettings(parse);

        parse.Errors.Should().BeEmpty();
        settings.Timeouts.Should().Be(new ChatTimeouts
        {
            Handshake = TimeSpan.FromSeconds(2),
            Frame = TimeSpan.FromSeconds(1.5),
            Keepalive = TimeSpan.FromSeconds(0.25),
            Peer = TimeSpan.FromSeconds(0.75),
            PeerDecision = TimeSpan.FromSeconds(3),
        });
        settings.Listener.HelloTimeout.Should().Be(TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public void TimeoutDefaults_AreTheProtocolDefaults()
    {
        var session = ChatTimeouts.Default.ToSessionOptions(null!, "x", null, [SecureChat.Crypto.Protection.MessageSuite.AesCbcHmacSha256], (_, _) => ValueTask.FromResult(true));
        var protocol = new SecureChat.Protocol.Session.SessionOptions { Identity = null!, Name = "x", TrustPeer = (_, _) => ValueTask.FromResult(true) };

        session.HandshakeTimeout.Should().Be(protocol.HandshakeTimeout);
        session.FrameTimeout.Should().Be(protocol.FrameTimeout);
        session.KeepaliveInterval.Should().Be(protocol.KeepaliveInterval);
        session.PeerTimeout.Should().Be(protocol.PeerTimeout);
        session.PeerDecisionTimeout.Should().Be(protocol.PeerDecisionTimeout);
        session.RekeyAfterRecords.Should().Be(protocol.RekeyAfterRecords);
        session.RekeyInterval.Should().Be(protocol.RekeyInterval);
    }

    [Fact]
    public void RekeyOptions_ReachTheSessionOptions()
    {
        var commandLine = new ChatCommand(ChatRole.Connector, ScriptConsole());
        System.CommandLine.ParseResult parse = commandLine.Parse(["--rekey-after", "50", "--rekey-interval", "90"]);

        ChatSettings settings = commandLine.ToSettings(parse);
        var session = settings.Timeouts.ToSessionOptions(null!, "x", null, [SecureChat.Crypto.Protection.MessageSuite.AesCbcHmacSha256], (_, _) => ValueTask.FromResult(true));

        parse.Errors.Should().BeEmpty();
        session.RekeyAfterRecords.Should().Be(50);
        session.RekeyInterval.Should().Be(TimeSpan.FromSeconds(90));
    }

    [Theory]
    [InlineData("--rekey-after", "0")]
    [InlineData("--rekey-interval", "0.5")]
    public void RekeyOptions_OutOfRange_AreRefused(string option, string value)
    {
        var commandLine = new ChatCommand(ChatRole.Listener, ScriptConsole());

        commandLine.Parse([option, value]).Errors.Should().ContainSingle().Which.Message.Should().Contain(option);
    }

    [Theory]
    [InlineData("1048576", 1048576L)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("1.5kb", 1500L)]
    public void MaxFileSize_TakesDecimalAndBinaryUnits(string text, long bytes)
    {
        var line = new ChatCommand(ChatRole.Listener, ScriptConsole());
        line.ToSettings(line.Parse(["--max-file-size", text])).MaxFileSize.Should().Be(bytes);
    }

    [Fact]
    public void FileOptions_Defaults_RefuseNothingBelow16GiB_AndAcceptNothingInScripts()
    {
        var line = new ChatCommand(ChatRole.Connector, ScriptConsole());
        ChatSettings settings = line.ToSettings(line.Parse([]));
        settings.MaxFileSize.Should().Be(16L * 1024 * 1024 * 1024);
        settings.AcceptFilesInto.Should().BeNull();
        settings.SendFiles.Should().BeEmpty();
        settings.Reconnect.Should().BeFalse();
    }

    [Fact]
    public void FileSafetyOptions_DefaultsAndGiven_ReachTheSettings_Issue15()
    {
        var line = new ChatCommand(ChatRole.Listener, ScriptConsole());
        ChatSettings defaults = line.ToSettings(line.Parse([]));
        defaults.FileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        defaults.MaxPartialFiles.Should().Be(8);
        defaults.MaxPartialBytes.Should().Be(8L * 1024 * 1024 * 1024);

        ChatSettings given = line.ToSettings(line.Parse(["--file-mode", "640", "--max-partial-files", "3", "--max-partial-bytes", "1GiB"]));
        given.FileMode.Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        given.MaxPartialFiles.Should().Be(3);
        given.MaxPartialBytes.Should().Be(1L << 30);
    }

    [Fact]
    public async Task FilesClean_DefaultFolder_RemovesPartialFilesOnly_Issue15()
    {
        using var home = new TempHome();
        string folder = Path.Combine(home.Path, "Downloads", "SecureChat");
        var partials = new SecureChat.Cli.Files.PartialFiles(new SecureChat.Cli.Files.ReceiveFolder(folder));
        new SecureChat.Cli.Files.ReceiveFolder(folder).CreateIfMissing();
        partials.Create("b0b0", "a.bin", 10, System.Security.Cryptography.SHA256.HashData("a"u8)).File.Dispose();
        File.WriteAllText(Path.Combine(folder, "kept.txt"), "received earlier");

        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, new Dictionary<string, string> { ["HOME"] = home.Path }, "files", "clean");

        run.ExitCode.Should().Be(ExitCode.Success);
        run.Error.Should().Contain($"Removed 1 partial file(s) from {folder}.");
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Should().Equal("kept.txt");
    }

    [Fact]
    public async Task Version_PrintsAVersionAndSucceeds()
    {
        AppRun run = await AppRun.RunAsync(ChatRole.Listener, "--version");

        run.ExitCode.Should().Be(ExitCode.Success);
        run.Output.Trim().Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "0")]
    [InlineData("--port", "70000")]
    [InlineData("--port", "many")]
    [InlineData("--trust", "maybe")]
    [InlineData("--suite", "rot13")]
    [InlineData("--peer-fingerprint", "SHA256:nope")]
    [InlineData("--name", " padded ")]
    [InlineData("--psk-file", "a", "--psk-env", "B")]
    [InlineData("--verbosity", "loud")]
    [InlineData("--host", "not a host")]
    [InlineData("--keepalive", "0")]
    [InlineData("--peer-timeout", "-1")]
    [InlineData("--hello-timeout", "soon")]
    [InlineData("--handshake-timeout", "100000")]
    [InlineData("--keepalive", "2", "--peer-timeout", "1")]
    [InlineData("--send", "/no/such/file.bin")]
    [InlineData("--accept-files", "/no/such/folder")]
    [InlineData("--max-file-size", "lots")]
    [InlineData("--max-file-size", "-5MB")]
    [InlineData("--file-mode", "rw")]
    [InlineData("--file-mode", "400")]
    [InlineData("--file-mode", "755")]
    [InlineData("--max-partial-files", "0")]
    [InlineData("--max-partial-bytes", "lots")]
    public async Task BadUsage_ExitsTwoWithAMessageAndAHint(params string[] args)
    {
        AppRun run = await AppRun.RunAsync(ChatRole.Listener, args);

        run.ExitCode.Should().Be(ExitCode.Usage);
        run.Error.Should().Contain("Try 'User1 --help'.");
        run.Output.Should().BeEmpty();
    }

    /// <summary>Issue 14, attack 1: the side that chose a lookalike or invisible name hears why at start-up.</summary>
    [Theory]
    [InlineData(ChatRole.Listener, "b\u043Eb", "mixes Cyrl and Latn")]
    [InlineData(ChatRole.Connector, "b\u043Eb", "mixes Cyrl and Latn")]
    [InlineData(ChatRole.Listener, "bob\u3164", "U+3164")]
    [InlineData(ChatRole.Connector, "\u202Ebob", "U+202E")]
    public async Task Name_LookalikeOrInvisible_ExitsTwoSayingWhy(ChatRole role, string name, string reason)
    {
        AppRun run = await AppRun.RunAsync(role, "--name", name);

        run.ExitCode.Should().Be(ExitCode.Usage);
        run.Error.Should().Contain("--name is not usable").And.Contain(reason);
    }

    [Fact]
    public async Task KeyShow_FirstRun_CreatesTheKeyAndPrintsItsFingerprint()
    {
        using var home = new TempHome();

        AppRun first = await AppRun.RunAsync(ChatRole.Listener, "key", "show", "--home", home.Path);
        AppRun second = await AppRun.RunAsync(ChatRole.Listener, "key", "show", "--home", home.Path);

        first.ExitCode.Should().Be(ExitCode.Success);
        first.Output.Trim().Should().StartWith("SHA256:");
        first.Error.Should().Contain("Created");
        second.Output.Should().Be(first.Output, "the key is kept");
        File.Exists(Path.Combine(home.Path, "identity.pem")).Should().BeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(home.Path, "identity.pem")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task KeyGenerate_KeyExists_RefusesAndPointsToRotate()
    {
        using var home = new TempHome();
        await AppRun.RunAsync(ChatRole.Listener, "key", "generate", "--home", home.Path);

        AppRun again = await AppRun.RunAsync(ChatRole.Listener, "key", "generate", "--home", home.Path);

        again.ExitCode.Should().Be(ExitCode.Configuration);
        again.Error.Should().Contain("key rotate");
    }

    [Fact]
    public async Task KeyRotate_ReplacesTheKeyAndWarnsThatPeersWillSeeItChanged()
    {
        using var home = new TempHome();
        AppRun before = await AppRun.RunAsync(ChatRole.Connector, "key", "show", "--home", home.Path);

        AppRun rotate = await AppRun.RunAsync(ChatRole.Connector, "key", "rotate", "--home", home.Path);
        AppRun after = await AppRun.RunAsync(ChatRole.Connector, "key", "show", "--home", home.Path);

        rotate.ExitCode.Should().Be(ExitCode.Success);
        rotate.Error.Should().Contain(before.Output.Trim()).And.Contain("peers forget");
        after.Output.Should().NotBe(before.Output);
    }

    [Fact]
    public async Task PeersForget_UnknownPeer_SaysSoAndExitsTwo()
    {
        using var home = new TempHome();

        AppRun list = await AppRun.RunAsync(ChatRole.Listener, "peers", "list", "--home", home.Path);
        AppRun forget = await AppRun.RunAsync(ChatRole.Listener, "peers", "forget", "nobody", "--home", home.Path);

        list.ExitCode.Should().Be(ExitCode.Success);
        list.Error.Should().Contain("No known peers");
        forget.ExitCode.Should().Be(ExitCode.Usage);
        forget.Error.Should().Contain("No known peer matches nobody");
    }

    [Fact]
    public async Task PeersForget_AlsoRemovesThatPeersPartialFiles_NotOthers_Issue15()
    {
        using var home = new TempHome();
        using var user = new TempHome();
        var bob = SecureChat.Crypto.Identity.Fingerprint.Of("bob's key"u8);
        var carol = SecureChat.Crypto.Identity.Fingerprint.Of("carol's key"u8);
        await AppRun.RunAsync(ChatRole.Listener, "key", "show", "--home", home.Path);
        SecureChat.Cli.Trust.KnownPeers.Load(Path.Combine(home.Path, "known_peers")).Remember(SecureChat.Cli.Trust.PeerLabel.Name("bob"), bob);
        string folder = Path.Combine(user.Path, "Downloads", "SecureChat");
        var receive = new SecureChat.Cli.Files.ReceiveFolder(folder);
        receive.CreateIfMissing();
        var partials = new SecureChat.Cli.Files.PartialFiles(receive);
        partials.Create(Convert.ToHexStringLower(bob.Hash), "a.bin", 10, System.Security.Cryptography.SHA256.HashData("a"u8)).File.Dispose();
        (SecureChat.Cli.Files.PartialFile carols, var file) = partials.Create(Convert.ToHexStringLower(carol.Hash), "a.bin", 10, System.Security.Cryptography.SHA256.HashData("a"u8));
        file.Dispose();

        AppRun forget = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, new Dictionary<string, string> { ["HOME"] = user.Path }, "peers", "forget", "name:bob", "--home", home.Path);

        forget.ExitCode.Should().Be(ExitCode.Success, forget.Error);
        forget.Error.Should().Contain($"Removed 1 partial file(s) they had sent into {folder}.");
        partials.List().Should().Equal(carols);
    }

    [Fact]
    public async Task Chat_PskVariableMissing_ExitsWithAConfigurationErrorBeforeListening()
    {
        using var home = new TempHome();

        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, new Dictionary<string, string>(), "--home", home.Path, "--psk-env", "SHARED_SECRET_KEY", "--port", "1");

        run.ExitCode.Should().Be(ExitCode.Configuration);
        run.Error.Should().Contain("SHARED_SECRET_KEY").And.NotContain("Listening");
    }

    [Fact]
    public async Task Chat_NobodyListening_SaysSoAndExits69()
    {
        using var home = new TempHome();
        int port = TestPorts.Free();

        AppRun run = await AppRun.RunAsync(ChatRole.Connector, "--home", home.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        run.ExitCode.Should().Be(ExitCode.ConnectionFailed);
        run.Error.Should().Contain("Nobody is listening");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Chat_TwoAppsInMemory_ChatAndBothExitZero()
    {
        using var home1 = new TempHome();
        using var home2 = new TempHome();
        string port = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var input1 = new GatedInput("from one");
        using var input2 = new GatedInput("from two");
        using var output1 = new StringWriter();
        using var output2 = new StringWriter();

        Task<AppRun> user1 = AppRun.RunWithInputAsync(ChatRole.Listener, input1, output1, null, "--home", home1.Path, "--port", port, "--once");
        Task<AppRun> user2 = AppRun.RunWithInputAsync(ChatRole.Connector, input2, output2, null, "--home", home2.Path, "--port", port, "--retry", "5");
        await WaitUntilAsync(() => output1.ToString().Contains("from two", StringComparison.Ordinal) && output2.ToString().Contains("from one", StringComparison.Ordinal));
        input2.End();
        AppRun connector = await user2;
        input1.End();
        AppRun listener = await user1;

        connector.ExitCode.Should().Be(ExitCode.Success, connector.Error);
        connector.Output.Should().MatchRegex(@"^\d\d:\d\d:\d\d User1: from one\r?\n$");
        listener.ExitCode.Should().Be(ExitCode.Success, listener.Error);
        listener.Output.Should().MatchRegex(@"^\d\d:\d\d:\d\d User2: from two\r?\n$");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "both apps should have shown the other's line by now");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Port_NotANumber_SaysTheRangeWithoutADotNetTypeName_Issue17()
    {
        AppRun run = await AppRun.RunAsync(ChatRole.Listener, "--port", "abc");

        run.ExitCode.Should().Be(ExitCode.Usage);
        run.Error.Should().Contain("--port must be 1 to 65535.").And.NotContain("System.Int32");
    }

    [Theory]
    [InlineData(ChatRole.Listener, "User1 ")]
    [InlineData(ChatRole.Connector, "User2 ")]
    public async Task Version_NamesTheProgram_Issue17(ChatRole role, string prefix)
    {
        AppRun run = await AppRun.RunAsync(role, "--version");

        run.ExitCode.Should().Be(ExitCode.Success);
        run.Output.Should().StartWith(prefix);
    }

    [Theory]
    [InlineData("--trust", "strict")]
    [InlineData("--suite", "blake2b")]
    [InlineData("--verbosity", "debug")]
    public void WordOptions_EveryWordHelpOffers_ReachesTheSettings(string option, string word)
    {
        var line = new ChatCommand(ChatRole.Listener, ScriptConsole());
        System.CommandLine.ParseResult parse = line.Parse([option, word]);

        parse.Errors.Should().BeEmpty();
        ChatSettings settings = line.ToSettings(parse);
        settings.Trust.Should().Be(option == "--trust" ? SecureChat.Cli.Trust.TrustPolicy.Strict : SecureChat.Cli.Trust.TrustPolicy.AcceptNew);
        settings.Suites.Should().HaveCount(option == "--suite" ? 1 : 2);
        settings.Verbosity.Should().Be(option == "--verbosity" ? Microsoft.Extensions.Logging.LogLevel.Debug : Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Theory]
    [InlineData(new string[0], SecureChat.Cli.Trust.TrustPolicy.Ask)]
    [InlineData(new[] { "--script" }, SecureChat.Cli.Trust.TrustPolicy.AcceptNew)]
    public void Script_AtATerminal_IsScriptedModeWithItsTrustDefault_Issue17(string[] args, SecureChat.Cli.Trust.TrustPolicy expected)
    {
        var line = new ChatCommand(ChatRole.Listener, new ChatConsole(TextReader.Null, TextWriter.Null, TextWriter.Null, IsInteractive: true, _ => null));
        System.CommandLine.ParseResult parse = line.Parse(args);

        parse.Errors.Should().BeEmpty();
        line.ToSettings(parse).Trust.Should().Be(expected);
    }

    private static ChatConsole ScriptConsole() => new(TextReader.Null, TextWriter.Null, TextWriter.Null, IsInteractive: false, _ => null);
}
