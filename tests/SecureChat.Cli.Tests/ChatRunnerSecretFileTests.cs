using SecureChat.Cli.Tests.Commands;

namespace SecureChat.Cli.Tests;

/// <summary>
/// The pre-shared key file is a secret like the identity key, and is held to the same rule: refused
/// (exit 78, with the chmod to run) when its group or others have any access, before anything listens.
/// </summary>
public sealed class ChatRunnerSecretFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData("644")]
    [InlineData("640")]
    [InlineData("602")]
    public async Task Defect_PskFileReadableByOthers_WasUsedSilently_NowRefusedWithExit78(string octalMode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string psk = PskFile("a pre-shared key " + Guid.NewGuid().ToString("N"), (UnixFileMode)Convert.ToInt32(octalMode, 8));

        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, null, "--home", _home.Path, "--psk-file", psk, "--port", "1", "--once");

        run.ExitCode.Should().Be(ExitCode.Configuration);
        run.Error.Should().Contain(psk).And.Contain("chmod 600").And.Contain("0" + octalMode).And.NotContain("Listening");
        run.Error.Should().NotContain(File.ReadAllText(psk), "the refusal must not show the key it refused");
    }

    [Fact]
    public async Task PskFile_OwnerOnlyButMissingKey_IsStillAConfigurationError()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string psk = PskFile("\n", OwnerOnly);

        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Listener, string.Empty, null, "--home", _home.Path, "--psk-file", psk, "--port", "1", "--once");

        run.ExitCode.Should().Be(ExitCode.Configuration);
        run.Error.Should().Contain("is empty");
    }

    [Fact]
    public async Task PskFile_OwnerOnlyPipe_IsReadLikeAFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // As with --psk-file <(pass show chat): a pipe, owner-only, with no length to ask for. The connector
        // reads the key, then finds nobody listening (69), rather than refusing its key file (78).
        Directory.CreateDirectory(_home.Path);
        string fifo = Path.Combine(_home.Path, "psk-pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", ["-m", "600", fifo]))
        {
            await mkfifo.WaitForExitAsync();
            mkfifo.ExitCode.Should().Be(0);
        }

        Task writer = Task.Run(() => File.WriteAllText(fifo, "a key from a pipe " + Guid.NewGuid().ToString("N") + "\n"));
        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Connector, string.Empty, null, "--home", _home.Path, "--psk-file", fifo, "--port", TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await writer.WaitAsync(TimeSpan.FromSeconds(10));

        run.ExitCode.Should().Be(ExitCode.ConnectionFailed, run.Error);
    }

    private string PskFile(string contents, UnixFileMode mode)
    {
        Directory.CreateDirectory(_home.Path);
        string path = Path.Combine(_home.Path, "psk");
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }
}
