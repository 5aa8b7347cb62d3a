using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed class TrustTests(ITestOutputHelper output) : EndToEndTest(output)
{
    [Fact]
    public async Task FirstContact_AcceptNew_RemembersEachPeerAndTheSecondRunIsKnown()
    {
        string home1 = Sandbox.NewHome("user1");
        string home2 = Sandbox.NewHome("user2");
        string fingerprint1 = await Sandbox.FingerprintAsync(ChatApp.User1, home1);
        string fingerprint2 = await Sandbox.FingerprintAsync(ChatApp.User2, home2);
        int port = ChatSandbox.FreePort();

        ChatProcess first1 = await Sandbox.StartListenerAsync(port, home1, ["--once", "--trust", "accept-new", "--wait", ReceiptWait]);
        ChatProcess first2 = Sandbox.StartConnector(port, home2, ["--trust", "accept-new", "--wait", ReceiptWait]);
        await ChatAndEndAsync(first1, first2);

        first1.StderrText.Should().Contain($"First contact with User2: remembered its key {fingerprint2}");
        first2.StderrText.Should().Contain($"First contact with User1: remembered its key {fingerprint1}");
        string knownBy1 = await File.ReadAllTextAsync(Path.Combine(home1, "known_peers"));
        string knownBy2 = await File.ReadAllTextAsync(Path.Combine(home2, "known_peers"));
        // One line per key, the names and addresses it was met under beside it (issue 14: the key is the identity).
        knownBy1.Split('\n').Should().ContainSingle(line => line.StartsWith($"{fingerprint2} ", StringComparison.Ordinal))
            .Which.Should().EndWith(" name:User2");
        knownBy2.Split('\n').Should().ContainSingle(line => line.StartsWith($"{fingerprint1} ", StringComparison.Ordinal))
            .Which.Should().Contain("name:User1").And.Contain($"address:127.0.0.1%3A{port}");

        ChatProcess list1 = await Sandbox.RunAsync(ChatApp.User1, "peers", "list", "--home", home1);
        ChatProcess list2 = await Sandbox.RunAsync(ChatApp.User2, "peers", "list", "--home", home2);
        (await list1.WaitForExitAsync()).Should().Be(0, list1.Transcript);
        (await list2.WaitForExitAsync()).Should().Be(0, list2.Transcript);
        list1.Stdout.Should().ContainSingle(line => line.StartsWith("name:User2 ", StringComparison.Ordinal) && line.Contains(fingerprint2, StringComparison.Ordinal), list1.Transcript);
        list2.Stdout.Should().Contain(line => line.StartsWith("name:User1 ", StringComparison.Ordinal) && line.Contains(fingerprint1, StringComparison.Ordinal), list2.Transcript);
        list2.Stdout.Should().Contain(line => line.StartsWith($"address:127.0.0.1:{port} ", StringComparison.Ordinal) && line.Contains(fingerprint1, StringComparison.Ordinal), list2.Transcript);

        // Strict accepts known peers only: that the second run works at all shows each side knows the other.
        ChatProcess second1 = await Sandbox.StartListenerAsync(port, home1, ["--once", "--trust", "strict", "--wait", ReceiptWait]);
        ChatProcess second2 = Sandbox.StartConnector(port, home2, ["--trust", "strict", "--wait", ReceiptWait]);
        await ChatAndEndAsync(second1, second2);

        second1.StderrText.Should().NotContain("First contact");
        second2.StderrText.Should().NotContain("First contact");
        (await File.ReadAllTextAsync(Path.Combine(home1, "known_peers"))).Should().Be(knownBy1, "a known peer is not written again");
        (await File.ReadAllTextAsync(Path.Combine(home2, "known_peers"))).Should().Be(knownBy2, "a known peer is not written again");
    }

    [Fact]
    public async Task ChangedKey_ConnectorRotatedItsKey_IsRefusedWithBothFingerprintsAndTheForgetHint()
    {
        string home1 = Sandbox.NewHome("user1");
        string home2 = Sandbox.NewHome("user2");
        string oldFingerprint = await Sandbox.FingerprintAsync(ChatApp.User2, home2);
        int port = ChatSandbox.FreePort();

        // The first conversation, with a User1 of its own: a User1 that outlives a conversation does not
        // notice its peer leaving while its input is idle (see IdleInputTests), so it could not serve a second.
        ChatProcess first1 = await Sandbox.StartListenerAsync(port, home1, ["--once", "--wait", ReceiptWait]);
        ChatProcess first2 = Sandbox.StartConnector(port, home2, ["--wait", ReceiptWait], label: "User2 (old key)");
        await ChatAndEndAsync(first1, first2);

        ChatProcess rotate = await Sandbox.RunAsync(ChatApp.User2, "key", "rotate", "--home", home2);
        (await rotate.WaitForExitAsync()).Should().Be(0, rotate.Transcript);
        string newFingerprint = ChatSandbox.FingerprintPattern().Match(rotate.StdoutText).Value;
        newFingerprint.Should().NotBeEmpty().And.NotBe(oldFingerprint);
        rotate.StderrText.Should().Contain($"It replaces {oldFingerprint}");

        ChatProcess user1 = await Sandbox.StartListenerAsync(port, home1, ["--wait", ReceiptWait]);
        ChatProcess after = Sandbox.StartConnector(port, home2, ["--wait", ReceiptWait], label: "User2 (new key)");
        after.CloseInput(); // nothing to say, like </dev/null: see IdleInputTests for an idle open input
        int afterExit = await after.WaitForExitAsync();

        afterExit.Should().Be(77, after.Transcript);
        after.StderrText.Should().Contain("refused our identity");
        after.Stdout.Should().BeEmpty();
        string warning = await user1.WaitForStderrAsync("has changed");
        warning.Should().Contain($"was {oldFingerprint}").And.Contain($"now {newFingerprint}").And.Contain(" --home ").And.Contain("peers forget name:User2");
        user1.Stdout.Should().BeEmpty();
        await user1.ShouldStillRunAsync(TimeSpan.FromMilliseconds(300));

        // Issue 14, attack 6: the advice is pasted into a shell exactly as printed, and it works.
        const string Marker = "forget the old one with: ";
        string advice = warning[(warning.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim();
        using (var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", advice]) { UseShellExecute = false, RedirectStandardError = true })!)
        {
            string said = await shell.StandardError.ReadToEndAsync();
            await shell.WaitForExitAsync();
            shell.ExitCode.Should().Be(0, $"{advice}\n{said}");
        }

        (await File.ReadAllTextAsync(Path.Combine(home1, "known_peers"))).Should().NotContain(oldFingerprint, advice);
    }

    [Fact]
    public async Task PinnedFingerprint_OfTheListenersKey_Chats()
    {
        string home1 = Sandbox.NewHome("user1");
        string fingerprint1 = await Sandbox.FingerprintAsync(ChatApp.User1, home1);
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, home1, ["--once", "--wait", ReceiptWait]);

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--peer-fingerprint", fingerprint1, "--trust", "strict", "--wait", ReceiptWait]);

        await ChatAndEndAsync(user1, user2);
    }

    [Fact]
    public async Task PinnedFingerprint_OfAnotherKey_ConnectorRefusesBeforeProofAndExits77()
    {
        string home1 = Sandbox.NewHome("user1");
        string fingerprint1 = await Sandbox.FingerprintAsync(ChatApp.User1, home1);
        string otherFingerprint = await Sandbox.FingerprintAsync(ChatApp.User1, Sandbox.NewHome("someone-else"));
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, home1, ["--once", "--wait", ReceiptWait]);

        user1.CloseInput(); // nothing to say, like </dev/null: see IdleInputTests for an idle open input

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--peer-fingerprint", otherFingerprint, "--wait", ReceiptWait]);
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(77, user2.Transcript);
        user2.Stderr.Should().Contain(line => line.Contains($"not the pinned {otherFingerprint}", StringComparison.Ordinal) && line.Contains(fingerprint1, StringComparison.Ordinal), user2.Transcript);
        user2.StderrText.Should().NotContain("Connected to");
        user2.Stdout.Should().BeEmpty();

        // Pin before proof (issue 14): User2 refuses on frame 2, so User1 hears "refused" in the middle of a
        // handshake, from a caller that proved nothing: it drops that caller and, even with --once, goes on listening.
        await user1.WaitForStderrAsync("refused our identity");
        await user1.ShouldStillRunAsync(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>
    /// Issue 14, attack 5: two apps sharing one home (one identity) completed a conversation and each
    /// remembered itself as a peer. User2 now sees its own key in frame 2 and refuses before proof; User1,
    /// which then hears only "refused", sees its own key in the caller's hello and says why.
    /// </summary>
    [Fact]
    public async Task OwnKey_TwoAppsShareOneHome_BothSayThisIsYourOwnKeyAndNobodyIsRemembered()
    {
        string home = Sandbox.NewHome("shared");
        string fingerprint = await Sandbox.FingerprintAsync(ChatApp.User1, home);
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, home, ["--once", "--trust", "accept-new", "--wait", ReceiptWait]);

        ChatProcess user2 = Sandbox.StartConnector(port, home, ["--trust", "accept-new", "--wait", ReceiptWait]);
        user2.CloseInput(); // nothing to say, like </dev/null
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(77, user2.Transcript);
        user2.StderrText.Should().Contain("this is your own key").And.Contain(fingerprint).And.NotContain("Connected to");
        user2.Stdout.Should().BeEmpty();
        await user1.WaitForStderrAsync("this is your own key");
        user1.StderrText.Should().Contain(fingerprint);
        user1.Stdout.Should().BeEmpty();
        File.Exists(Path.Combine(home, "known_peers")).Should().BeFalse("neither app remembers itself as a peer");
    }

    [Fact]
    public async Task StrictListener_UnknownConnector_RefusesAndTheConnectorExits77()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--trust", "strict", "--wait", ReceiptWait]);

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--wait", ReceiptWait]);
        user2.CloseInput(); // nothing to say, like </dev/null: see IdleInputTests for an idle open input
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(77, user2.Transcript);
        user2.StderrText.Should().Contain("refused our identity");
        user2.Stdout.Should().BeEmpty();
        await user1.WaitForStderrAsync("is not a known peer");
        File.Exists(Path.Combine(Sandbox.NewHome("user1"), "known_peers")).Should().BeFalse("a refused peer is not remembered");

        // The listener is the side that refused; it goes on listening for a peer it knows.
        await user1.ShouldStillRunAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task StrictConnector_UnknownListener_RefusesAndBothExit77()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--wait", ReceiptWait]);
        user1.CloseInput(); // nothing to say, like </dev/null: see IdleInputTests for an idle open input

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--trust", "strict", "--wait", ReceiptWait]);
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(77, user2.Transcript);
        user2.StderrText.Should().Contain("is not a known peer").And.NotContain("Connected to");
        user2.Stdout.Should().BeEmpty();
        File.Exists(Path.Combine(Sandbox.NewHome("user2"), "known_peers")).Should().BeFalse("a refused peer is not remembered");

        // User1 finished its half of the handshake before User2 refused it; it hears "refused" and, with --once, stops.
        (await user1.WaitForExitAsync()).Should().Be(77, user1.Transcript);
        user1.StderrText.Should().Contain("refused our identity");
        user1.Stdout.Should().BeEmpty();
    }
}
