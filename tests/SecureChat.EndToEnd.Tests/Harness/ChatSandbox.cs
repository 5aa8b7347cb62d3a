// One test's world: temporary home folders, free ports, and the processes started in it. Disposing kills
// whatever still runs, writes every transcript to the test output (read it when a test fails), and deletes
// the homes.
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Temporary homes, free ports and processes for one test.</summary>
public sealed partial class ChatSandbox : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "securechat-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<ChatProcess> _processes = [];

    /// <summary>Creates the sandbox; transcripts go to <paramref name="output"/>.</summary>
    public ChatSandbox(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_root);
    }

    /// <summary>A new, empty-to-be home folder path (the app creates it).</summary>
    public string NewHome(string name) => Path.Combine(_root, name);

    /// <summary>A TCP port that was free a moment ago (bound to port 0, then released).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Starts an app; it is killed when the sandbox is disposed.</summary>
    public ChatProcess Start(ChatApp app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? label = null)
    {
        ChatProcess process = ChatProcess.Start(label ?? app.ToString(), app, args, environment);
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts User1 listening on <paramref name="port"/> and waits until it says it is listening.</summary>
    public async Task<ChatProcess> StartListenerAsync(int port, string home, string[]? more = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ChatProcess user1 = Start(ChatApp.User1, ["--port", Port(port), "--home", home, .. more ?? []], environment);
        await user1.WaitForStderrAsync("Listening on");
        return user1;
    }

    /// <summary>Starts User2 dialling <paramref name="port"/>.</summary>
    public ChatProcess StartConnector(int port, string home, string[]? more = null, IReadOnlyDictionary<string, string>? environment = null, string? label = null) =>
        Start(ChatApp.User2, ["--port", Port(port), "--home", home, .. more ?? []], environment, label);

    /// <summary>Runs a command with no input (stdin closed at once) to its end.</summary>
    public async Task<ChatProcess> RunAsync(ChatApp app, params string[] args)
    {
        ChatProcess process = Start(app, args, label: $"{app} {args.FirstOrDefault()}");
        process.CloseInput();
        await process.WaitForExitAsync();
        return process;
    }

    /// <summary>The fingerprint of the identity key in <paramref name="home"/>, creating the key if there is none.</summary>
    public async Task<string> FingerprintAsync(ChatApp app, string home)
    {
        ChatProcess show = await RunAsync(app, "key", "show", "--home", home);
        (await show.WaitForExitAsync()).Should().Be(0, show.Transcript);
        return show.Stdout.Should().ContainSingle(show.Transcript).Which.Trim();
    }

    /// <summary>Kills what still runs, logs every transcript and deletes the homes.</summary>
    public void Dispose()
    {
        foreach (ChatProcess process in _processes)
        {
            process.Kill();
        }

        foreach (ChatProcess process in _processes)
        {
            try
            {
                _output.WriteLine(process.Transcript);
            }
            catch (InvalidOperationException)
            {
                // No test is running any more.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is not worth failing a test for.
        }
    }

    /// <summary>A fingerprint as the apps print it.</summary>
    [GeneratedRegex(@"SHA256:[A-Za-z0-9+/]{43}")]
    public static partial Regex FingerprintPattern();

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
