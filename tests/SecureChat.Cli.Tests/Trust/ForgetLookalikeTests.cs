using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Tests.Trust;

/// <summary>Found in review: a peer named after someone else's fingerprint must not make 'forget' remove that someone.</summary>
public sealed class ForgetLookalikeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Forget_NameThatLooksLikeAnotherPeersFingerprint_RemovesOnlyThatName()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);
        known.Remember(PeerLabel.Name("bob"), TestPeers.Alice);
        known.Remember(new PeerLabel(PeerLabelKind.Name, TestPeers.Alice.ToString()), TestPeers.Mallory); // remembered before the TR39 name rules

        int removed = known.Forget(TestPeers.Alice.ToString());

        removed.Should().Be(1);
        KnownPeers.Load(_folder.KnownPeersPath).Find(PeerLabel.Name("bob")).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public void Forget_Fingerprint_WhenNoNameMatches_RemovesEveryLabelOfThatKey()
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);
        known.Remember(PeerLabel.Name("bob"), TestPeers.Alice);
        known.Remember(PeerLabel.Address("127.0.0.1", 7878), TestPeers.Alice);

        known.Forget(TestPeers.Alice.ToString()).Should().Be(2);
    }

    public void Dispose() => _folder.Dispose();
}
