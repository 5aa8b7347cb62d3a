using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Tests.Trust;

/// <summary>
/// Whoever can write known_peers decides whom the user trusts (a planted line makes an attacker's key
/// "known"). The app writes it 0600; a file that group or others may write is refused, not read.
/// </summary>
public sealed class KnownPeersPermissionTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("620")]
    [InlineData("602")]
    [InlineData("666")]
    public void Defect_KnownPeersWritableByOthers_WasTrusted_NowRefused(string octalMode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        KnownPeers.Load(_folder.KnownPeersPath).Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        File.SetUnixFileMode(_folder.KnownPeersPath, (UnixFileMode)Convert.ToInt32(octalMode, 8));

        Action load = () => KnownPeers.Load(_folder.KnownPeersPath);

        load.Should().Throw<KnownPeersException>().Which.Message.Should().Contain("chmod 600").And.Contain("0" + octalMode);
    }

    [Theory]
    [InlineData("600")]
    [InlineData("400")]
    [InlineData("644")]
    public void Load_WritableByTheOwnerAlone_IsRead(string octalMode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        KnownPeers.Load(_folder.KnownPeersPath).Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        File.SetUnixFileMode(_folder.KnownPeersPath, (UnixFileMode)Convert.ToInt32(octalMode, 8));

        KnownPeers.Load(_folder.KnownPeersPath).Find(PeerLabel.Name("alice")).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task Chat_KnownPeersWritableByOthers_ExitsWithAConfigurationErrorBeforeListening()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        Directory.CreateDirectory(home.Path);
        string path = Path.Combine(home.Path, "known_peers");
        KnownPeers.Load(path).Remember(PeerLabel.Name("alice"), TestPeers.Alice);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.OtherWrite);

        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, null, "--home", home.Path, "--port", "1", "--once");

        run.ExitCode.Should().Be(ExitCode.Configuration);
        run.Error.Should().Contain("known_peers").And.NotContain("Listening");
    }
}
