using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Cli.Tests.Trust;

/// <summary>A fresh folder under the temp folder, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => System.IO.Directory.CreateDirectory(Directory);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "securechat-trust-" + Guid.NewGuid().ToString("N"));

    public string KnownPeersPath => Path.Combine(Directory, "known_peers");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>A clock that says what it is told.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Identity keys made once for all trust tests: RSA key generation is slow.</summary>
internal static class TestPeers
{
    private static readonly Lazy<IdentityKey> LazySelf = new(() => IdentityKey.Generate(2048));
    private static readonly Lazy<IdentityKey> LazyAlice = new(() => IdentityKey.Generate(2048));
    private static readonly Lazy<IdentityKey> LazyMallory = new(() => IdentityKey.Generate(2048));

    public static Fingerprint Alice => LazyAlice.Value.Fingerprint;

    public static Fingerprint Mallory => LazyMallory.Value.Fingerprint;

    public static PeerIdentity AliceIdentity(string name = "alice") => Identity(LazyAlice.Value, name);

    public static PeerIdentity MalloryIdentity(string name = "alice") => Identity(LazyMallory.Value, name);

    private static PeerIdentity Identity(IdentityKey key, string name) =>
        new(key.PublicKey, name, LazySelf.Value.PublicKey);
}

/// <summary>A fact about Unix file modes: skipped on Windows.</summary>
internal sealed class UnixOnlyFactAttribute : FactAttribute
{
    public UnixOnlyFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file permissions only.";
        }
    }
}
