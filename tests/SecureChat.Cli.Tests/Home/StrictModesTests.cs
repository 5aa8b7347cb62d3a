using System.Diagnostics;
using System.Globalization;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Trust;

namespace SecureChat.Cli.Tests.Home;

/// <summary>Issue 14, attack 4: files and the folder that decide whom we trust must be ours and not writable by others.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StrictModesTests : IDisposable
{
    private const int Stranger = 54321;
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [UnixOnlyFact]
    public async Task Chat_HomeFolderWritableByOthers_Exits78AndThePrintedChmodFixesIt()
    {
        await KeyShowAsync();
        File.SetUnixFileMode(_home.Path, (UnixFileMode)Convert.ToInt32("777", 8));

        AppRun refused = await ChatAsync();

        refused.ExitCode.Should().Be(ExitCode.Configuration);
        refused.Error.Should().Contain("chmod 700").And.Contain("0777");
        await RunAdviceAsync(refused.Error);
        (await ChatAsync()).ExitCode.Should().Be(ExitCode.ConnectionFailed, "after the printed fix the app starts");
    }

    [UnixOnlyFact]
    public async Task Chat_KnownPeersOwnedByAnotherUser_Exits78WithTheChown()
    {
        if (Environment.UserName != "root")
        {
            return; // only root can give a file away; CI runs the suite as root in its container
        }

        await KeyShowAsync();
        string knownPeers = Path.Combine(_home.Path, "known_peers");
        await File.WriteAllTextAsync(knownPeers, "# nobody yet\n");
        File.SetUnixFileMode(knownPeers, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Chown(knownPeers);

        AppRun refused = await ChatAsync();

        refused.ExitCode.Should().Be(ExitCode.Configuration);
        refused.Error.Should().Contain($"uid {Stranger}").And.Contain("chown 0 ");
        await RunAdviceAsync(refused.Error);
        (await ChatAsync()).ExitCode.Should().Be(ExitCode.ConnectionFailed);
    }

    [UnixOnlyFact]
    public async Task Chat_PskFileOwnedByAnotherUser_Exits78()
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        await KeyShowAsync();
        string psk = Path.Combine(_home.Path, "psk");
        await File.WriteAllTextAsync(psk, "3f8e2c1d9b7a6054e3d2c1b0a99887766554433221100ffeeddccbbaa9988776");
        File.SetUnixFileMode(psk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Chown(psk);

        AppRun refused = await ChatAsync("--psk-file", psk);

        refused.ExitCode.Should().Be(ExitCode.Configuration);
        refused.Error.Should().Contain(psk).And.Contain($"uid {Stranger}");
    }

    private async Task KeyShowAsync() =>
        (await AppRun.RunAsync(ChatRole.Connector, "key", "show", "--home", _home.Path)).ExitCode.Should().Be(ExitCode.Success);

    private Task<AppRun> ChatAsync(params string[] more) =>
        AppRun.RunAsync(ChatRole.Connector, ["--home", _home.Path, "--port", TestPorts.Free().ToString(CultureInfo.InvariantCulture), .. more]);

    private static void Chown(string path)
    {
        using Process chown = Process.Start(new ProcessStartInfo("chown", [Stranger.ToString(CultureInfo.InvariantCulture), path]) { UseShellExecute = false })!;
        chown.WaitForExit();
        chown.ExitCode.Should().Be(0);
    }

    /// <summary>Runs the command after "then run: " exactly as printed.</summary>
    private static async Task RunAdviceAsync(string error)
    {
        const string Marker = "then run: ";
        string advice = error[(error.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Split('\n')[0].Trim();
        using Process shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", advice]) { UseShellExecute = false })!;
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        shell.ExitCode.Should().Be(0, advice);
    }
}
