// The command line of both apps, with System.CommandLine: the chat itself (the root command) and the
// key and peers subcommands. Bad values are reported with AddError, and any parse error exits 2.
using System.CommandLine;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Files;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;

namespace SecureChat.Cli.Commands;

/// <summary>The options and subcommands of User1 and User2.</summary>
public sealed class ChatCommandLine
{
    private const string ChatHomeVariable = global::SecureChat.Cli.Home.ChatHome.HomeVariable;

    /// <summary>The port User1 listens on and User2 dials when none is given.</summary>
    public const int DefaultPort = 47100;

    /// <summary>Builds the command line for <paramref name="role"/>; <paramref name="interactive"/> picks the default trust policy.</summary>
    public ChatCommandLine(ChatRole role, bool interactive)
    {
        Role = role;
        ProgramName = role == ChatRole.Listener ? "User1" : "User2";
        Host = new Option<string>("--host")
        {
            Description = role == ChatRole.Listener ? "The address to listen on." : "The address of User1.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        Host.Validators.Add(r =>
        {
            if (Uri.CheckHostName(ValueOr<string?>(r, null)) == UriHostNameType.Unknown)
            {
                r.AddError("--host must be an IP address or a host name.");
            }
        });
        Port = new Option<int>("--port", "-p")
        {
            Description = role == ChatRole.Listener ? "The TCP port to listen on." : "The TCP port User1 listens on.",
            DefaultValueFactory = _ => DefaultPort,
        };
        Port.Validators.Add(r =>
        {
            if (ValueOr(r, 0) is < 1 or > 65535)
            {
                r.AddError("--port must be 1 to 65535.");
            }
        });
        Home = new Option<string?>("--home")
        {
            Description = $"The folder for all state (identity key, known peers). Also {ChatHomeVariable}. Default: ~/.config/securechat/{(role == ChatRole.Listener ? "user1" : "user2")}/ (or under XDG_CONFIG_HOME), whatever --name says.",
            Recursive = true,
        };
        Name = new Option<string>("--name", "-n")
        {
            Description = "Your display name, announced to the peer (a label: your identity is your key, not this). Letters of one script, as Unicode TR39 allows.",
            DefaultValueFactory = _ => ProgramName,
            Recursive = true,
        };
        Name.Validators.Add(r =>
        {
            if (Protocol.Handshake.PeerName.Problem(ValueOr<string?>(r, null)) is { } problem)
            {
                r.AddError($"--name is not usable: {problem}");
            }
        });
        PskFile = new Option<string?>("--psk-file") { Description = "A file holding a pre-shared key that both sides must have." };
        PskEnv = new Option<string?>("--psk-env") { Description = "An environment variable holding the pre-shared key (for example SHARED_SECRET_KEY)." };
        PeerFingerprint = new Option<Fingerprint?>("--peer-fingerprint")
        {
            Description = "Accept only the peer with this key (SHA256:…); anything else is refused.",
            CustomParser = r =>
            {
                string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (Fingerprint.TryParse(text, out Fingerprint? fingerprint))
                {
                    return fingerprint;
                }

                r.AddError("--peer-fingerprint must look like SHA256: followed by 43 base64 characters (see /verify on the other side).");
                return null;
            },
        };
        Trust = new Option<string>("--trust")
        {
            Description = "A new peer: ask (the default at a terminal), accept-new (remember it; the default for scripts), strict (known or pinned peers only). A changed key is always refused.",
            DefaultValueFactory = _ => interactive ? "ask" : "accept-new",
        };
        Trust.AcceptOnlyFromAmong("ask", "accept-new", "strict");
        Suite = new Option<string?>("--suite") { Description = "Offer or accept only this message suite: hmac-sha256 or blake2b (default: both)." };
        Suite.AcceptOnlyFromAmong("hmac-sha256", "blake2b");
        Verbosity = new Option<string>("--verbosity", "-v")
        {
            Description = "Log level on stderr: trace, debug, information, warning, error, none. Logs never hold keys or message text.",
            DefaultValueFactory = _ => "warning",
            Recursive = true,
        };
        Verbosity.AcceptOnlyFromAmong("trace", "debug", "information", "warning", "error", "critical", "none");
        Retry = new Option<int>("--retry") { Description = "If nobody is listening, try this many more times, waiting longer each time." };
        Retry.Validators.Add(r =>
        {
            if (ValueOr(r, 0) is < 0 or > 100)
            {
                r.AddError("--retry must be 0 to 100.");
            }
        });
        Once = new Option<bool>("--once")
        {
            Description = "Stop listening after one conversation; a dropped connection ends it too, so this does not combine with User2's --reconnect.",
        };
        Wait = new Option<double>("--wait")
        {
            Description = "Scripted use: seconds to wait at the end of input for the last messages to be confirmed delivered.",
            DefaultValueFactory = _ => 10,
        };
        Wait.Validators.Add(r =>
        {
            if (ValueOr(r, 0d) is < 0 or > 3600)
            {
                r.AddError("--wait must be 0 to 3600 seconds.");
            }
        });

        Reconnect = new Option<bool>("--reconnect")
        {
            Description = "If the connection drops, reconnect (backing off, up to about 2 minutes) and resend what User1 had not confirmed; nothing is shown twice. Needs a User1 that keeps listening (not --once).",
        };
        ReconnectAttempts = new Option<int>("--reconnect-attempts")
        {
            Description = "With --reconnect: give up after this many attempts (15).",
            DefaultValueFactory = _ => 15,
            Hidden = true,
        };
        ReconnectAttempts.Validators.Add(r =>
        {
            if (ValueOr(r, 0) is < 1 or > 1000)
            {
                r.AddError("--reconnect-attempts must be 1 to 1000.");
            }
        });
        SendFile = new Option<string[]>("--send")
        {
            Description = "Offer this file to the peer once connected (repeatable). At a terminal you can also type /send PATH.",
            HelpName = "PATH",
            AllowMultipleArgumentsPerToken = false,
        };
        SendFile.Validators.Add(r =>
        {
            foreach (string path in ValueOr<string[]?>(r, null) ?? [])
            {
                if (!File.Exists(path))
                {
                    r.AddError($"--send: there is no file {path}.");
                }
            }
        });
        AcceptFiles = new Option<string?>("--accept-files")
        {
            Description = "The folder for files the peer sends. Scripts accept offers into it (without it they refuse them); at a terminal /accept saves there (default: $XDG_DOWNLOAD_DIR/SecureChat, else ~/Downloads/SecureChat, never the current folder). It must be yours, not a symbolic link, and not writable by other users (checked at start-up: exit 78 otherwise).",
            HelpName = "DIR",
        };
        AcceptFiles.Validators.Add(r =>
        {
            if (ValueOr<string?>(r, null) is { } folder && !Directory.Exists(folder))
            {
                r.AddError($"--accept-files: there is no folder {folder}.");
            }
        });
        MaxFileSize = new Option<long?>("--max-file-size")
        {
            Description = "Refuse files larger than this, before and during the transfer: bytes, or with KB, MB, GB, TB, KiB, MiB, GiB or TiB (default 16GiB).",
            HelpName = "SIZE",
            CustomParser = r =>
            {
                string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (ByteSize.TryParse(text, out long bytes) && bytes >= 0)
                {
                    return bytes;
                }

                r.AddError("--max-file-size must be a size such as 500MB, 2GiB or 1048576.");
                return null;
            },
        };

        FileMode = new Option<UnixFileMode?>("--file-mode")
        {
            Description = "The permissions of received files, in octal, never executable (default 600: only you can read them; 640 or 644 to share).",
            HelpName = "OCTAL",
            CustomParser = r =>
            {
                string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (text.Length is >= 3 and <= 4 && text.All(c => c is >= '0' and <= '7'))
                {
                    int mode = Convert.ToInt32(text, 8);
                    // You can read and write it; nothing received is ever made executable.
                    if (mode <= 0x1FF && (mode & 0x180) == 0x180 && (mode & 0x49) == 0)
                    {
                        return (UnixFileMode)mode;
                    }
                }

                r.AddError("--file-mode must be octal permissions that let you read and write and make nothing executable, such as 600, 640 or 644.");
                return null;
            },
        };
        MaxPartialFiles = new Option<int?>("--max-partial-files")
        {
            Description = "Keep at most this many unfinished (partial) received files per peer; older ones make room (default 8).",
            HelpName = "N",
        };
        MaxPartialFiles.Validators.Add(r =>
        {
            if (ValueOr<int?>(r, null) is < 1)
            {
                r.AddError("--max-partial-files must be at least 1.");
            }
        });
        MaxPartialBytes = new Option<long?>("--max-partial-bytes")
        {
            Description = "When a peer's partial files hold this much, the oldest make room for a new one (default 8GiB).",
            HelpName = "SIZE",
            CustomParser = r =>
            {
                string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (ByteSize.TryParse(text, out long bytes) && bytes > 0)
                {
                    return bytes;
                }

                r.AddError("--max-partial-bytes must be a size such as 500MB, 2GiB or 1048576.");
                return null;
            },
        };

        HandshakeTimeout = Seconds(
            "--handshake-timeout",
            "The handshake must finish within this many seconds (10); on a slow link the deadline stretches to 6 measured round trips, at most 60 s (a longer value here still wins).");
        HandshakeTimeout.Hidden = false; // the one timeout a user on a slow link may need
        FrameTimeout = Seconds("--frame-timeout", "In the handshake, a begun frame may go this many seconds without a further byte (10); in a session only --peer-timeout applies.");
        Keepalive = Seconds("--keepalive", "Ping when the peer has been silent, or we have sent nothing, for this many seconds (15).");
        PeerTimeout = Seconds("--peer-timeout", "Declare a peer gone after this many seconds without a byte from it, in every state, mid-transfer included (45).");
        DecisionTimeout = Seconds("--decision-timeout", "How long the peer may take to accept us before its first message, in seconds (300).");
        HelloTimeout = Seconds("--hello-timeout", "User1: a caller must send its whole hello within this many seconds of connecting (default: the handshake timeout, on the same clock).");

        Root = new RootCommand(
            (role == ChatRole.Listener
                ? "SecureChat User1: waits for User2 and chats with it, end to end encrypted and authenticated."
                : "SecureChat User2: connects to User1 and chats with it, end to end encrypted and authenticated.")
            + Environment.NewLine + Environment.NewLine + ExitCode.Table);
        foreach (Option option in new Option[] { Host, Port, Home, Name, PskFile, PskEnv, PeerFingerprint, Trust, Suite, Verbosity })
        {
            Root.Options.Add(option);
        }

        Root.Options.Add(role == ChatRole.Listener ? Once : Retry);
        if (role == ChatRole.Connector)
        {
            Root.Options.Add(Reconnect);
            Root.Options.Add(ReconnectAttempts);
        }

        Root.Options.Add(SendFile);
        Root.Options.Add(AcceptFiles);
        Root.Options.Add(MaxFileSize);
        Root.Options.Add(FileMode);
        Root.Options.Add(MaxPartialFiles);
        Root.Options.Add(MaxPartialBytes);
        Root.Options.Add(Wait);
        foreach (Option<double?> timeout in new[] { HandshakeTimeout, FrameTimeout, Keepalive, PeerTimeout, DecisionTimeout })
        {
            Root.Options.Add(timeout);
        }

        if (role == ChatRole.Listener)
        {
            Root.Options.Add(HelloTimeout);
        }

        Root.Validators.Add(r =>
        {
            if (r.GetResult(PskFile) is not null && r.GetResult(PskEnv) is not null)
            {
                r.AddError("Give --psk-file or --psk-env, not both.");
            }

            try
            {
                ChatTimeouts timeouts = Timeouts(r);
                if (timeouts.Keepalive >= timeouts.Peer)
                {
                    r.AddError("--peer-timeout must be longer than --keepalive.");
                }
            }
            catch (InvalidOperationException)
            {
                // A value that did not even convert; already reported.
            }
        });

        var keyShow = new Command("show", "Show your identity key's fingerprint (creating the key if there is none).");
        var keyGenerate = new Command("generate", "Create your identity key if there is none.");
        var keyRotate = new Command("rotate", "Replace your identity key with a new one. Peers will see a changed key and must forget the old one.");
        var keyPsk = new Command("psk", "Print a new random 256-bit pre-shared key (64 hex digits) to save with --psk-file or --psk-env and give your peer over a safe channel.");
        KeyShow = keyShow;
        KeyPsk = keyPsk;
        KeyGenerate = keyGenerate;
        KeyRotate = keyRotate;
        var key = new Command("key", "Your identity key, and pre-shared keys.") { keyShow, keyGenerate, keyRotate, keyPsk };
        PeersList = new Command("list", "List the peers you know and their fingerprints.");
        ForgetTarget = new Argument<string>("peer") { Description = "A name, an address (host:port) or a fingerprint." };
        ForgetFolder = new Option<string?>("--accept-files")
        {
            Description = "Also remove the forgotten peer's partial files from this receive folder (those in the default one always go).",
            HelpName = "DIR",
        };
        PeersForget = new Command("forget", "Forget a known peer's key, for example after it was rotated, with its partial files.") { ForgetTarget, ForgetFolder };
        var peers = new Command("peers", "The peers you know (the known_peers file).") { PeersList, PeersForget };
        Root.Subcommands.Add(key);
        Root.Subcommands.Add(peers);
        CleanFolder = new Argument<string?>("folder") { Description = "The receive folder (default: the downloads folder's SecureChat).", Arity = ArgumentArity.ZeroOrOne };
        FilesClean = new Command("clean", "Remove every unfinished (partial) received file from the receive folder.") { CleanFolder };
        Root.Subcommands.Add(new Command("files", "Received files.") { FilesClean });
    }

    /// <summary>Which app this is.</summary>
    public ChatRole Role { get; }

    /// <summary>User1 or User2.</summary>
    public string ProgramName { get; }

    /// <summary>The root command: the chat.</summary>
    public RootCommand Root { get; }

    /// <summary>--host.</summary>
    public Option<string> Host { get; }

    /// <summary>--port.</summary>
    public Option<int> Port { get; }

    /// <summary>--home.</summary>
    public Option<string?> Home { get; }

    /// <summary>--name.</summary>
    public Option<string> Name { get; }

    /// <summary>--psk-file.</summary>
    public Option<string?> PskFile { get; }

    /// <summary>--psk-env.</summary>
    public Option<string?> PskEnv { get; }

    /// <summary>--peer-fingerprint.</summary>
    public Option<Fingerprint?> PeerFingerprint { get; }

    /// <summary>--trust.</summary>
    public Option<string> Trust { get; }

    /// <summary>--suite.</summary>
    public Option<string?> Suite { get; }

    /// <summary>--verbosity.</summary>
    public Option<string> Verbosity { get; }

    /// <summary>--retry (User2).</summary>
    public Option<int> Retry { get; }

    /// <summary>--once (User1).</summary>
    public Option<bool> Once { get; }

    /// <summary>User2: reconnect after a dropped connection.</summary>
    public Option<bool> Reconnect { get; }

    /// <summary>User2: how many reconnect attempts before giving up.</summary>
    public Option<int> ReconnectAttempts { get; }

    /// <summary>Files to offer once connected.</summary>
    public Option<string[]> SendFile { get; }

    /// <summary>Where received files go (and, in scripts, whether offers are accepted at all).</summary>
    public Option<string?> AcceptFiles { get; }

    /// <summary>The largest file accepted.</summary>
    public Option<long?> MaxFileSize { get; }

    /// <summary>--file-mode.</summary>
    public Option<UnixFileMode?> FileMode { get; }

    /// <summary>--max-partial-files.</summary>
    public Option<int?> MaxPartialFiles { get; }

    /// <summary>--max-partial-bytes.</summary>
    public Option<long?> MaxPartialBytes { get; }

    /// <summary>files clean.</summary>
    public Command FilesClean { get; }

    /// <summary>The folder argument of files clean.</summary>
    public Argument<string?> CleanFolder { get; }

    /// <summary>--wait.</summary>
    public Option<double> Wait { get; }

    /// <summary>--handshake-timeout (hidden: for tests and odd networks).</summary>
    public Option<double?> HandshakeTimeout { get; }

    /// <summary>--frame-timeout (hidden).</summary>
    public Option<double?> FrameTimeout { get; }

    /// <summary>--keepalive (hidden).</summary>
    public Option<double?> Keepalive { get; }

    /// <summary>--peer-timeout (hidden).</summary>
    public Option<double?> PeerTimeout { get; }

    /// <summary>--decision-timeout (hidden).</summary>
    public Option<double?> DecisionTimeout { get; }

    /// <summary>--hello-timeout (User1, hidden).</summary>
    public Option<double?> HelloTimeout { get; }

    /// <summary>key psk.</summary>
    public Command KeyPsk { get; }

    /// <summary>key show.</summary>
    public Command KeyShow { get; }

    /// <summary>key generate.</summary>
    public Command KeyGenerate { get; }

    /// <summary>key rotate.</summary>
    public Command KeyRotate { get; }

    /// <summary>peers list.</summary>
    public Command PeersList { get; }

    /// <summary>peers forget.</summary>
    public Command PeersForget { get; }

    /// <summary>The peer argument of peers forget.</summary>
    public Argument<string> ForgetTarget { get; }

    /// <summary>The --accept-files folder of peers forget, cleaned besides the default one.</summary>
    public Option<string?> ForgetFolder { get; }

    /// <summary>The option's value, or <paramref name="fallback"/> when it did not even convert (already reported).</summary>
    private static T ValueOr<T>(System.CommandLine.Parsing.OptionResult result, T fallback)
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return fallback;
        }
    }

    /// <summary>
    /// A timeout in seconds. Hidden from --help: the protocol's defaults suit people; shorter ones let tests
    /// (and unusual networks) see a dead peer, a stalled caller or a lost frame in a second.
    /// </summary>
    private static Option<double?> Seconds(string name, string description)
    {
        var option = new Option<double?>(name) { Description = description, Hidden = true };
        option.Validators.Add(r =>
        {
            if (ValueOr<double?>(r, null) is { } value && (double.IsNaN(value) || value < 0.003 || value > 86_400))
            {
                r.AddError($"{name} must be 0.003 to 86400 seconds.");
            }
        });
        return option;
    }

    private static TimeSpan? Span(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private ChatTimeouts Timeouts(System.CommandLine.Parsing.CommandResult result) => new()
    {
        Handshake = Span(result.GetValue(HandshakeTimeout)) ?? ChatTimeouts.Default.Handshake,
        Frame = Span(result.GetValue(FrameTimeout)) ?? ChatTimeouts.Default.Frame,
        Keepalive = Span(result.GetValue(Keepalive)) ?? ChatTimeouts.Default.Keepalive,
        Peer = Span(result.GetValue(PeerTimeout)) ?? ChatTimeouts.Default.Peer,
        PeerDecision = Span(result.GetValue(DecisionTimeout)) ?? ChatTimeouts.Default.PeerDecision,
    };

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
            Name = result.GetValue(Name)!,
            PskFile = result.GetValue(PskFile),
            PskVariable = result.GetValue(PskEnv),
            PinnedPeer = result.GetValue(PeerFingerprint),
            Trust = result.GetValue(Trust) switch
            {
                "strict" => TrustPolicy.Strict,
                "accept-new" => TrustPolicy.AcceptNew,
                _ => TrustPolicy.Ask,
            },
            Suites = result.GetValue(Suite) switch
            {
                "hmac-sha256" => [MessageSuite.AesCbcHmacSha256],
                "blake2b" => [MessageSuite.AesCbcBlake2b256],
                _ => [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256],
            },
            Verbosity = result.GetValue(Verbosity) switch
            {
                "trace" => LogLevel.Trace,
                "debug" => LogLevel.Debug,
                "information" => LogLevel.Information,
                "error" => LogLevel.Error,
                "critical" => LogLevel.Critical,
                "none" => LogLevel.None,
                _ => LogLevel.Warning,
            },
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
}
