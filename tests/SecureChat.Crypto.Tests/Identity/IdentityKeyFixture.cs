using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

/// <summary>
/// Two identity keys of the default size, generated once per test class (RSA generation takes up to a
/// second each) and only when a test first asks for them.
/// </summary>
public sealed class IdentityKeyFixture : IDisposable
{
    private readonly Lazy<IdentityKey> _alice = new(() => IdentityKey.Generate());
    private readonly Lazy<IdentityKey> _bob = new(() => IdentityKey.Generate());

    public IdentityKey Alice => _alice.Value;

    public IdentityKey Bob => _bob.Value;

    public void Dispose()
    {
        if (_alice.IsValueCreated)
        {
            _alice.Value.Dispose();
        }

        if (_bob.IsValueCreated)
        {
            _bob.Value.Dispose();
        }
    }
}
