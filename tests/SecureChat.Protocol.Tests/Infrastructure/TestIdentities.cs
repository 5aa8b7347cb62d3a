using SecureChat.Crypto.Identity;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>
/// RSA-3072 identity keys made once per test run (generation takes a second or so each): Alice listens,
/// Bob connects, Mallory sits in between.
/// </summary>
internal static class TestIdentities
{
    private static readonly Lazy<IdentityKey> LazyAlice = new(() => IdentityKey.Generate());
    private static readonly Lazy<IdentityKey> LazyBob = new(() => IdentityKey.Generate());
    private static readonly Lazy<IdentityKey> LazyMallory = new(() => IdentityKey.Generate());

    public static IdentityKey Alice => LazyAlice.Value;

    public static IdentityKey Bob => LazyBob.Value;

    public static IdentityKey Mallory => LazyMallory.Value;
}
