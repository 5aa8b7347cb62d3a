using System.Globalization;
using System.Security.Cryptography;
using SecureChat.Cli.Files;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Identity;

namespace SecureChat.Cli.Tests.Files;

/// <summary>The receive folder as the app's start-up and its commands see it (issue 15, second round).</summary>
public sealed class FileCommandsTests
{
    [Fact]
    public async Task StartUp_AcceptFilesFolderWritableByOthers_ExitsSeventyEightWithTheChmodLine_Issue15()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes to get wrong
        }

        using var home = new TempHome();
        string folder = Path.Combine(home.Path, "incoming");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0x1FF); // 0777
        string port = TestPorts.Free().ToString(CultureInfo.InvariantCulture);

        // Nobody listens on the port: without the start-up check this would exit 69, not 78.
        AppRun run = await AppRun.RunAsync(ChatRole.Connector, "--home", home.Path, "--port", port, "--accept-files", folder);

        run.ExitCode.Should().Be(ExitCode.Configuration, run.Error);
        run.Error.Should().Contain($"Run: chmod go-w '{folder}'").And.NotContain("Nobody is listening");
    }

    [Fact]
    public async Task PeersForget_WithAcceptFiles_RemovesThatPeersPartialFilesThereToo_AndNamesEachFolder_Issue15()
    {
        using var home = new TempHome();
        using var user = new TempHome();
        Fingerprint bob = Fingerprint.Of("bob's key"u8);
        Fingerprint carol = Fingerprint.Of("carol's key"u8);
        await AppRun.RunAsync(ChatRole.Listener, "key", "show", "--home", home.Path);
        KnownPeers.Load(Path.Combine(home.Path, "known_peers")).Remember(PeerLabel.Name("bob"), bob);
        string downloads = Path.Combine(user.Path, "Downloads", "SecureChat");
        string chosen = Path.Combine(user.Path, "incoming");
        PartialFiles inDownloads = BobAndCarol(downloads, bob, carol, out PartialFile carolsInDownloads);
        PartialFiles inChosen = BobAndCarol(chosen, bob, carol, out PartialFile carolsInChosen);

        AppRun forget = await AppRun.RunWithInputAsync(
            ChatRole.Listener, string.Empty, new Dictionary<string, string> { ["HOME"] = user.Path }, "peers", "forget", "name:bob", "--home", home.Path, "--accept-files", chosen);

        forget.ExitCode.Should().Be(ExitCode.Success, forget.Error);
        forget.Error.Should().Contain($"Removed 1 partial file(s) they had sent into {downloads}.")
            .And.Contain($"Removed 1 partial file(s) they had sent into {chosen}.");
        inDownloads.List().Should().Equal(carolsInDownloads);
        inChosen.List().Should().Equal(carolsInChosen);
    }

    private static PartialFiles BobAndCarol(string folder, Fingerprint bob, Fingerprint carol, out PartialFile carols)
    {
        var receive = new ReceiveFolder(folder);
        receive.CreateIfMissing();
        var partials = new PartialFiles(receive);
        partials.Create(Convert.ToHexStringLower(bob.Hash), "a.bin", 10, SHA256.HashData("a"u8)).File.Dispose();
        (carols, var file) = partials.Create(Convert.ToHexStringLower(carol.Hash), "a.bin", 10, SHA256.HashData("a"u8));
        file.Dispose();
        return partials;
    }
}
