// The command line of both apps, with System.CommandLine: the chat itself is the root command, with the
// key, peers and files subcommands. Each command is a sealed class with its options as properties, as in
// dotnet/sign; bad values are reported with AddError, and any parse error exits 2.
using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Views;
using SecureChat.Cli.Views.Line;
using SecureChat.Cli.Views.Screen;
using SecureChat.Cli.Views.Script;
using SecureChat.Cli.Files;
using SecureChat.Cli.Home;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;

namespace SecureChat.Cli.Commands;

/// <summary>User1 or User2: the chat, and its subcommands.</summary>
internal sealed partial class ChatCommand : RootCommand
{
    /// <summary>The port User1 listens on and User2 dials when none is given.</summary>
    public const int DefaultPort = 47100;

    private readonly ChatConsole _console;

    /// <summary>Builds the command line of <paramref name="role"/>, running in <paramref name="console"/> (whose interactivity picks the default trust policy).</summary>
    public ChatCommand(ChatRole role, ChatConsole console)
        : base(Describe(role))
    {
        ArgumentNullException.ThrowIfNull(console);
        Role = role;
        ProgramName = role == ChatRole.Listener ? "User1" : "User2";
        Host = new Option<string>("--host")
        {
            Description = role == ChatRole.Listener ? "The address to listen on." : "The address of User1.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        Host.Validators.Add(r =>
        {
            if (Uri.CheckHostName(ChatOptions.ValueOr<string?>(r, null)) == UriHostNameType.Unknown)
            {
                r.AddError($"{Host.Name} must be an IP address or a host name.");
            }
        });
        Port = ChatOptions.Integer("--port", 1, 65535, role == ChatRole.Listener ? "The TCP port to listen on." : "The TCP port User1 listens on.", DefaultPort, "-p");
        Home = new Option<string?>("--home")
        {
            Description = $"The folder for all state (identity key, known peers). Also {ChatHome.HomeVariable}. Default: ~/.config/securechat/{(role == ChatRole.Listener ? "user1" : "user2")}/ (or under XDG_CONFIG_HOME), whatever --name says.",
            Recursive = true,
        };
        DisplayName = new Option<string>("--name", "-n")
        {
            Description = "Your display name, announced to the peer (a label: your identity is your key, not this). Letters of one script, as Unicode TR39 allows.",
            DefaultValueFactory = _ => ProgramName,
            Recursive = true,
        };
        DisplayName.Validators.Add(r =>
        {
            if (Protocol.Handshake.PeerName.Problem(ChatOptions.ValueOr<string?>(r, null)) is { } problem)
            {
                r.AddError($"{DisplayName.Name} is not usable: {problem}");
            }
        });
        PskFile = new Option<string?>("--psk-file") { Description = "A file holding a pre-shared key that both sides must have." };
        PskEnv = new Option<string?>("--psk-env") { Description = "An environment variable holding the pre-shared key (for example SHARED_SECRET_KEY)." };
        PeerFingerprint = new Option<Fingerprint?>("--peer-fingerprint")
        {
            Description = "Accept only the peer with this key (SHA256:…); anything else is refused.",
        };
        PeerFingerprint.CustomParser = r =>
        {
            if (Fingerprint.TryParse(ChatOptions.Token(r), out Fingerprint? fingerprint))
            {
                return fingerprint;
            }

            r.AddError($"{PeerFingerprint.Name} must look like SHA256: followed by 43 base64 characters (see /verify on the other side).");
            return null;
        };
        _console = console;
        Script = new Option<bool>("--script")
        {
            Description = "Scripted mode even at a terminal: each input line is a message, received messages go to stdout, everything else to stderr. Without it, scripted mode is chosen when stdin is not a terminal.",
        };
        Trust = ChatOptions.Word(
            "--trust",
            ChatOptions.TrustWords,
            "A new peer: ask (the default at a terminal), accept-new (remember it; the default for scripts and --script), strict (known or pinned peers only). A changed key is always refused.");
        Suite = ChatOptions.Word("--suite", ChatOptions.SuiteWords, "Offer or accept only this message suite: hmac-sha256 or blake2b (default: both).");
        Verbosity = ChatOptions.Word("--verbosity", ChatOptions.VerbosityWords, "Log level on stderr (in the full screen: dim lines in the conversation): trace, debug, information, warning, error, none. Logs never hold keys or message text.", "warning");
        Verbosity.Aliases.Add("-v");
        Verbosity.Recursive = true;
        Retry = ChatOptions.Integer("--retry", 0, 100, "If nobody is listening, try this many more times, waiting longer each time.", 0);
        Once = new Option<bool>("--once")
        {
            Description = "Stop listening after one conversation; a dropped connection ends it too, so this does not combine with User2's --reconnect.",
        };
        Wait = new Option<double>("--wait")
        {
            Description = "Scripted use: seconds to wait at the end of input for the last messages to be confirmed delivered.",
            DefaultValueFactory = _ => 10,
        };
        Wait.CustomParser = r =>
        {
            if (double.TryParse(ChatOptions.Token(r), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 3600)
            {
                return seconds;
            }

            r.AddError($"{Wait.Name} must be 0 to 3600 seconds.");
            return 0;
        };
        Reconnect = new Option<bool>("--reconnect")
        {
            Description = "If the connection drops, reconnect (backing off, up to about 2 minutes) and resend what User1 had not confirmed; nothing is shown twice. Needs a User1 that keeps listening (not --once).",
        };
        ReconnectAttempts = ChatOptions.Integer("--reconnect-attempts", 1, 1000, "With --reconnect: give up after this many attempts (15).", 15);
        ReconnectAttempts.Hidden = true;
        AddFileOptions();
        HandshakeTimeout = ChatOptions.Seconds(
            "--handshake-timeout",
            0.003,
            86_400,
            "The handshake must finish within this many seconds (10); on a slow link the deadline stretches to 6 measured round trips, at most 60 s (a longer value here still wins).");
        FrameTimeout = ChatOptions.HiddenTimeout("--frame-timeout", "In the handshake, a begun frame may go this many seconds without a further byte (10); in a session only --peer-timeout applies.");
        Keepalive = ChatOptions.HiddenTimeout("--keepalive", "Ping when the peer has been silent, or we have sent nothing, for this many seconds (15).");
        PeerTimeout = ChatOptions.HiddenTimeout("--peer-timeout", "Declare a peer gone after this many seconds without a byte from it, in every state, mid-transfer included (45).");
        DecisionTimeout = ChatOptions.HiddenTimeout("--decision-timeout", "How long the peer may take to accept us before its first message, in seconds (300).");
        RekeyAfter = ChatOptions.Integer("--rekey-after", 1, 1_000_000_000, "Agree fresh keys (the healing rekey) after this many records sent (1000), or sooner on /rekey.", 1000);
        RekeyInterval = ChatOptions.Seconds("--rekey-interval", 1, 86_400, "Agree fresh keys after this many seconds (600), whichever of this and --rekey-after comes first.");
        HelloTimeout = ChatOptions.HiddenTimeout("--hello-timeout", "User1: a caller must send its whole hello within this many seconds of connecting (default: the handshake timeout, on the same clock).");
        AddOptions(role);
        Validators.Add(r =>
        {
            if (r.GetResult(PskFile) is not null && r.GetResult(PskEnv) is not null)
            {
                r.AddError($"Give {PskFile.Name} or {PskEnv.Name}, not both.");
            }

            try
            {
                ChatTimeouts timeouts = Timeouts(r);
                if (timeouts.Keepalive >= timeouts.Peer)
                {
                    r.AddError($"{PeerTimeout.Name} must be longer than {Keepalive.Name}.");
                }
            }
            catch (InvalidOperationException)
            {
                // A value that did not even convert; already reported.
            }
        });

        Subcommands.Add(new KeyCommand(this, console));
        Subcommands.Add(new PeersCommand(this, console));
        Subcommands.Add(new FilesCommand(console));
        ShowProgramNameWithVersion();
        SetAction((result, cancellationToken) => ChatAsync(result, console, cancellationToken));
    }

    /// <summary>Which app this is.</summary>
    public ChatRole Role { get; }

    /// <summary>User1 or User2.</summary>
    public string ProgramName { get; }

    /// <summary>--host.</summary>
    public Option<string> Host { get; }

    /// <summary>--script: scripted mode even at a terminal.</summary>
    public Option<bool> Script { get; }

    /// <summary>--port.</summary>
    public Option<int> Port { get; }

    /// <summary>--home (for the subcommands too).</summary>
    public Option<string?> Home { get; }

    /// <summary>--name (for the subcommands too).</summary>
    public Option<string> DisplayName { get; }

    /// <summary>--psk-file.</summary>
    public Option<string?> PskFile { get; }

    /// <summary>--psk-env.</summary>
    public Option<string?> PskEnv { get; }

    /// <summary>--peer-fingerprint.</summary>
    public Option<Fingerprint?> PeerFingerprint { get; }

    /// <summary>--trust: one of <see cref="ChatOptions.TrustWords"/>.</summary>
    public Option<string> Trust { get; }

    /// <summary>--suite: one of <see cref="ChatOptions.SuiteWords"/>.</summary>
    public Option<string> Suite { get; }

    /// <summary>--verbosity: one of <see cref="ChatOptions.VerbosityWords"/>.</summary>
    public Option<string> Verbosity { get; }

    /// <summary>--retry (User2).</summary>
    public Option<int> Retry { get; }

    /// <summary>--once (User1).</summary>
    public Option<bool> Once { get; }

    /// <summary>--reconnect (User2).</summary>
    public Option<bool> Reconnect { get; }

    /// <summary>--reconnect-attempts (User2, hidden).</summary>
    public Option<int> ReconnectAttempts { get; }

    /// <summary>--wait.</summary>
    public Option<double> Wait { get; }

    /// <summary>--handshake-timeout.</summary>
    public Option<double?> HandshakeTimeout { get; }

    /// <summary>--frame-timeout (hidden).</summary>
    public Option<double?> FrameTimeout { get; }

    /// <summary>--keepalive (hidden).</summary>
    public Option<double?> Keepalive { get; }

    /// <summary>--rekey-after: records sent before this side starts a rekey.</summary>
    public Option<int> RekeyAfter { get; }

    /// <summary>--rekey-interval: seconds before this side starts a rekey.</summary>
    public Option<double?> RekeyInterval { get; }

    /// <summary>--peer-timeout (hidden).</summary>
    public Option<double?> PeerTimeout { get; }

    /// <summary>--decision-timeout (hidden).</summary>
    public Option<double?> DecisionTimeout { get; }

    /// <summary>--hello-timeout (User1, hidden).</summary>
    public Option<double?> HelloTimeout { get; }

    /// <summary>The chat settings a successful parse gives.</summary>
    public ChatSettings ToSettings(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ChatSettings
        {
            Role = Role,
            ProgramName = ProgramName,
            Host = result.GetValue(Host)!,
            Port = result.GetValue(Port),
            Home = result.GetValue(Home),
            Name = result.GetValue(DisplayName)!,
            PskFile = result.GetValue(PskFile),
            PskVariable = result.GetValue(PskEnv),
            PinnedPeer = result.GetValue(PeerFingerprint),
            Trust = ChatOptions.TrustWords[result.GetValue(Trust) ?? (ChooseView(result) == ViewKind.Script ? "accept-new" : "ask")],
            Suites = result.GetValue(Suite) is { } suite ? [ChatOptions.SuiteWords[suite]] : [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256],
            Verbosity = ChatOptions.VerbosityWords[result.GetValue(Verbosity)!],
            Retries = Role == ChatRole.Connector ? result.GetValue(Retry) : 0,
            Once = Role == ChatRole.Listener && result.GetValue(Once),
            Reconnect = Role == ChatRole.Connector && result.GetValue(Reconnect),
            ReconnectAttempts = Role == ChatRole.Connector ? result.GetValue(ReconnectAttempts) : 0,
            SendFiles = result.GetValue(SendFile) ?? [],
            AcceptFilesInto = result.GetValue(AcceptFiles),
            MaxFileSize = result.GetValue(MaxFileSize) ?? ByteSize.DefaultMaxFileSize,
            FileMode = result.GetValue(FileMode) ?? ChatSettings.OwnerOnlyFileMode,
            MaxPartialFiles = result.GetValue(MaxPartialFiles) ?? 8,
            MaxPartialBytes = result.GetValue(MaxPartialBytes) ?? ChatSettings.DefaultMaxPartialBytes,
            ReceiptWait = TimeSpan.FromSeconds(result.GetValue(Wait)),
            Timeouts = Timeouts(result.CommandResult),
            Listener = ListenerLimits.Default with
            {
                HelloTimeout = Span(Role == ChatRole.Listener ? result.GetValue(HelloTimeout) : null) ?? ListenerLimits.Default.HelloTimeout,
            },
        };
    }

    private static string Describe(ChatRole role) =>
        (role == ChatRole.Listener
            ? "SecureChat User1: waits for User2 and chats with it, end to end encrypted and authenticated."
            : "SecureChat User2: connects to User1 and chats with it, end to end encrypted and authenticated.")
        + Environment.NewLine + Environment.NewLine + ExitCode.Table;

    private static TimeSpan? Span(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>
    /// Logs go to stderr only, so stdout carries nothing but the conversation; with the full screen up they
    /// go into its pane as dim lines instead (stderr would draw over the screen), and to stderr once it closed.
    /// </summary>
    internal static ILoggerFactory CreateLoggers(LogLevel level, ScreenView? screen, TextWriter error) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        if (screen is not null)
        {
#pragma warning disable CA2000 // the factory owns and disposes its providers
            builder.AddProvider(new ScreenLog(screen, error));
#pragma warning restore CA2000
            return;
        }

        builder
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
    });

    private void AddOptions(ChatRole role)
    {
        foreach (Option option in new Option[] { Host, Port, Home, DisplayName, PskFile, PskEnv, PeerFingerprint, Trust, Suite, Verbosity, Script })
        {
            Options.Add(option);
        }

        Options.Add(role == ChatRole.Listener ? Once : Retry);
        if (role == ChatRole.Connector)
        {
            Options.Add(Reconnect);
            Options.Add(ReconnectAttempts);
        }

        foreach (Option option in new Option[] { SendFile, AcceptFiles, MaxFileSize, FileMode, MaxPartialFiles, MaxPartialBytes, Wait, RekeyAfter, RekeyInterval, HandshakeTimeout, FrameTimeout, Keepalive, PeerTimeout, DecisionTimeout })
        {
            Options.Add(option);
        }

        if (role == ChatRole.Listener)
        {
            Options.Add(HelloTimeout);
        }
    }

    private ChatTimeouts Timeouts(System.CommandLine.Parsing.CommandResult result) => new()
    {
        Handshake = Span(result.GetValue(HandshakeTimeout)) ?? ChatTimeouts.Default.Handshake,
        Frame = Span(result.GetValue(FrameTimeout)) ?? ChatTimeouts.Default.Frame,
        Keepalive = Span(result.GetValue(Keepalive)) ?? ChatTimeouts.Default.Keepalive,
        Peer = Span(result.GetValue(PeerTimeout)) ?? ChatTimeouts.Default.Peer,
        PeerDecision = Span(result.GetValue(DecisionTimeout)) ?? ChatTimeouts.Default.PeerDecision,
        RekeyAfterRecords = result.GetValue(RekeyAfter),
        RekeyInterval = Span(result.GetValue(RekeyInterval)) ?? ChatTimeouts.Default.RekeyInterval,
    };

    /// <summary>--version prints the program's name before its version, as most tools do.</summary>
    private void ShowProgramNameWithVersion()
    {
        foreach (Option option in Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new ProgramVersionAction(ProgramName);
            }
        }
    }

    private async Task<int> ChatAsync(ParseResult result, ChatConsole console, CancellationToken cancellationToken)
    {
        ChatSettings settings = ToSettings(result) with { Invocation = console.Invocation ?? AppInvocation.Detect(ProgramName, console.Environment) };
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ViewKind view = ChooseView(result);

        // The full screen where ViewChoice allows it and its driver starts; otherwise the line view.
        using ScreenView? screen = view is ViewKind.Screen ? ScreenView.TryCreate($"{settings.Name}> ", settings.Role == ChatRole.Listener, console.Environment, console.Out) : null;
        using ILoggerFactory loggers = CreateLoggers(settings.Verbosity, screen, console.Error); // disposed before the screen closes
        using InteractiveTerminal? line = screen is null && view is ViewKind.Line or ViewKind.Screen
            ? new InteractiveTerminal(console.Out, $"{settings.Name}> ", console.UseColour) { Interrupt = interrupted.Cancel, OwnsConsole = console.OwnsConsole }
            : null;
        IChatTerminal terminal = (IChatTerminal?)screen ?? (IChatTerminal?)line ?? new ScriptedTerminal(console.In, console.Out, console.Error);
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(interrupted.Token, screen?.Leaving ?? CancellationToken.None);
        using var runner = new ChatRunner(settings, terminal, loggers.CreateLogger("SecureChat"), console.Environment);
        return await runner.RunAsync(leaving.Token).ConfigureAwait(false);
    }

    /// <summary>The view this run uses (<see cref="ViewChoice"/> has the rules).</summary>
    private ViewKind ChooseView(ParseResult result) =>
        ViewChoice.Choose(_console.IsInteractive, result.GetValue(Script), _console.Environment, _console.TerminalSize);
}
