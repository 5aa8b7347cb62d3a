using Microsoft.Extensions.Logging;
using SecureChat.Cli.Files;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;

namespace SecureChat.Cli.Commands;

/// <summary>Everything the command line decided for one run of the chat.</summary>
public sealed record ChatSettings
{
    /// <summary>User1 or User2.</summary>
    public required ChatRole Role { get; init; }

    /// <summary>The program name shown in messages (User1 or User2).</summary>
    public required string ProgramName { get; init; }

    /// <summary>The address to listen on (User1) or connect to (User2).</summary>
    public required string Host { get; init; }

    /// <summary>The TCP port.</summary>
    public required int Port { get; init; }

    /// <summary>The state folder given with --home, if any.</summary>
    public string? Home { get; init; }

    /// <summary>How the user started the app (<see cref="AppInvocation"/>), for the commands we suggest; null: <see cref="ProgramName"/>.</summary>
    public string? Invocation { get; init; }

    /// <summary>Our display name.</summary>
    public required string Name { get; init; }

    /// <summary>A file holding the pre-shared key.</summary>
    public string? PskFile { get; init; }

    /// <summary>An environment variable holding the pre-shared key.</summary>
    public string? PskVariable { get; init; }

    /// <summary>The only peer key to accept, if pinned.</summary>
    public Fingerprint? PinnedPeer { get; init; }

    /// <summary>How to treat a peer seen for the first time.</summary>
    public required TrustPolicy Trust { get; init; }

    /// <summary>The suites to offer or accept.</summary>
    public required IReadOnlyList<MessageSuite> Suites { get; init; }

    /// <summary>The lowest log level written to stderr.</summary>
    public required LogLevel Verbosity { get; init; }

    /// <summary>User2: how many more times to try when nobody is listening.</summary>
    public int Retries { get; init; }

    /// <summary>User1: stop after one conversation.</summary>
    public bool Once { get; init; }

    /// <summary>User2: reconnect after a dropped connection and resend what was not confirmed.</summary>
    public bool Reconnect { get; init; }

    /// <summary>User2: reconnect attempts before giving up.</summary>
    public int ReconnectAttempts { get; init; } = 15;

    /// <summary>Files to offer once connected.</summary>
    public IReadOnlyList<string> SendFiles { get; init; } = [];

    /// <summary>Where received files go; in scripts, offers are refused without it.</summary>
    public string? AcceptFilesInto { get; init; }

    /// <summary>The largest file accepted, in bytes.</summary>
    public long MaxFileSize { get; init; } = ByteSize.DefaultMaxFileSize;

    /// <summary>The default --file-mode: received files readable by their owner only.</summary>
    public const UnixFileMode OwnerOnlyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The default --max-partial-bytes.</summary>
    public const long DefaultMaxPartialBytes = 8L * 1024 * 1024 * 1024;

    /// <summary>The permissions of received files.</summary>
    public UnixFileMode FileMode { get; init; } = OwnerOnlyFileMode;

    /// <summary>At most this many partial files per peer.</summary>
    public int MaxPartialFiles { get; init; } = 8;

    /// <summary>A peer's partial files beyond this many bytes make room by age.</summary>
    public long MaxPartialBytes { get; init; } = DefaultMaxPartialBytes;

    /// <summary>Scripted use: how long to wait at the end of input for the last receipts.</summary>
    public TimeSpan ReceiptWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The handshake, frame and keepalive timeouts (the protocol's defaults unless shortened).</summary>
    public ChatTimeouts Timeouts { get; init; } = ChatTimeouts.Default;

    /// <summary>User1: what strangers that never start a handshake may hold.</summary>
    public ListenerLimits Listener { get; init; } = ListenerLimits.Default;
}
