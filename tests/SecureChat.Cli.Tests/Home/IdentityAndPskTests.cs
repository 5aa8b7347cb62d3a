using System.Diagnostics;
using System.Globalization;
using SecureChat.Cli.Home;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Trust;

namespace SecureChat.Cli.Tests.Home;

/// <summary>Issue 14, attacks 2, 3 and 6: one identity per app whatever --name says, PSKs that cannot be guessed, advice that runs.</summary>
public sealed class IdentityAndPskTests : IDisposable
{
    private readonly TempHome _config = new();

    public void Dispose() => _config.Dispose();

    [Theory]
    [InlineData(ChatRole.Listener, "user1")]
    [InlineData(ChatRole.Connector, "user2")]
    public async Task KeyShow_SameAppUnderTwoNames_OneIdentityInTheAppsFolder(ChatRole role, string folder)
    {
        AppRun bare = await RunAsync(role, "key", "show");
        AppRun named = await RunAsync(role, "key", "show", "--name", "Alice");

        bare.ExitCode.Should().Be(ExitCode.Success, bare.Error);
        named.Output.Should().Be(bare.Output, "--name is a label; the identity belongs to the app and the user");
        File.Exists(Path.Combine(_config.Path, "securechat", folder, "identity.pem")).Should().BeTrue();
        Directory.Exists(Path.Combine(_config.Path, "securechat", "alice")).Should().BeFalse();
    }

    [UnixOnlyFact]
    public async Task KeyShow_IdentityLeftInTheOldPerNameFolder_Exits78AndThePrintedMoveWorksVerbatim()
    {
        string old = Path.Combine(_config.Path, "securechat", "alice");
        AppRun before = await RunAsync(ChatRole.Listener, "key", "show", "--home", old);

        AppRun refused = await RunAsync(ChatRole.Listener, "key", "show", "--name", "Alice");

        refused.ExitCode.Should().Be(ExitCode.Configuration);
        const string Marker = "then start again: ";
        refused.Error.Should().Contain(Marker);
        string advice = refused.Error[(refused.Error.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim();
        (await ShellAsync(advice)).Should().Be(0, advice);

        AppRun after = await RunAsync(ChatRole.Listener, "key", "show", "--name", "Alice");
        after.ExitCode.Should().Be(ExitCode.Success, after.Error);
        after.Output.Should().Be(before.Output, "the moved key is the same identity");
    }

    [Theory]
    [InlineData("x")]
    [InlineData("1234")]
    [InlineData("correct horse battery staple")]
    [InlineData("Tr0ub4dor&3xyzw")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Chat_WeakPsk_RefusedAtStartUpWithHowToMakeAGoodOne(string psk)
    {
        AppRun run = await RunAsync(ChatRole.Connector, new Dictionary<string, string> { ["SHARED_SECRET_KEY"] = psk }, "--psk-env", "SHARED_SECRET_KEY", "--port", FreePort());

        run.ExitCode.Should().Be(ExitCode.Configuration);
        run.Error.Should().Contain("too weak").And.Contain("key psk").And.NotContain(psk.Length > 4 ? psk : "\u0000");
    }

    [Fact]
    public async Task KeyPsk_Output_IsAcceptedAsAPsk()
    {
        AppRun generated = await RunAsync(ChatRole.Listener, "key", "psk");
        string psk = generated.Output.Trim();
        AppRun again = await RunAsync(ChatRole.Listener, "key", "psk");

        psk.Should().MatchRegex("^[0-9a-f]{64}$");
        again.Output.Trim().Should().NotBe(psk);
        PskStrength.EstimateBits(System.Text.Encoding.ASCII.GetBytes(psk)).Should().BeGreaterThanOrEqualTo(PskStrength.MinimumBits);
        AppRun run = await RunAsync(ChatRole.Connector, new Dictionary<string, string> { ["SHARED_SECRET_KEY"] = psk }, "--psk-env", "SHARED_SECRET_KEY", "--port", FreePort());
        run.ExitCode.Should().Be(ExitCode.ConnectionFailed, "the PSK is accepted and the app goes on to connect: " + run.Error);
    }

    private static string FreePort() => TestPorts.Free().ToString(CultureInfo.InvariantCulture);

    private Task<AppRun> RunAsync(ChatRole role, params string[] args) => RunAsync(role, new Dictionary<string, string>(), args);

    private Task<AppRun> RunAsync(ChatRole role, Dictionary<string, string> environment, params string[] args)
    {
        environment["XDG_CONFIG_HOME"] = _config.Path;
        return AppRun.RunWithInputAsync(role, string.Empty, environment, args);
    }

    private static async Task<int> ShellAsync(string command)
    {
        using Process shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false })!;
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return shell.ExitCode;
    }
}
