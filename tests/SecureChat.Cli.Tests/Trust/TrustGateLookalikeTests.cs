using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Tests.Trust;

/// <summary>Issue 14, attacks 1, 3 and 5: lookalike names, the check before proof, and our own key.</summary>
public sealed class TrustGateLookalikeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("b\u043Eb")] // would be refused on the wire; the store may still hold it from before
    [InlineData("b\u03BFb")] // Greek omicron
    [InlineData("bob")]
    public async Task DecideAsync_NewKeyUnderLookalikeOfKnownName_RefusedAsChangedKeyWithBothFingerprints(string known)
    {
        KnownPeers store = KnownPeers.Load(_folder.KnownPeersPath);
        store.Remember(new PeerLabel(PeerLabelKind.Name, known), TestPeers.Alice);
        var gate = new TrustGate(store, TrustPolicy.AcceptNew, pinned: null, ask: null, "User1");

        TrustVerdict verdict = await gate.DecideAsync(TestPeers.MalloryIdentity("bob"), [PeerLabel.Name("bob")], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.KeyChanged, Presented = TestPeers.Mallory, Expected = TestPeers.Alice });
        verdict.Message.Should().Contain(TestPeers.Alice.ToString()).And.Contain(TestPeers.Mallory.ToString());
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().ContainSingle("the lookalike is never remembered as a new peer");
    }

    [Fact]
    public async Task DecideAsync_PeerHoldsOurOwnKey_RefusedAsOwnKey()
    {
        KnownPeers store = KnownPeers.Load(_folder.KnownPeersPath);
        var gate = new TrustGate(store, TrustPolicy.AcceptNew, pinned: null, ask: null, "User1", own: TestPeers.Alice);

        TrustVerdict verdict = await gate.DecideAsync(TestPeers.AliceIdentity(), [PeerLabel.Name("alice")], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.OwnKey });
        verdict.Message.Should().Contain("this is your own key");
        KnownPeers.Load(_folder.KnownPeersPath).Entries.Should().BeEmpty();
    }

    [Fact]
    public void CheckBeforeProof_KnownAddressWithOtherKey_Refused()
    {
        PeerLabel address = PeerLabel.Address("127.0.0.1", 7878);
        KnownPeers store = KnownPeers.Load(_folder.KnownPeersPath);
        store.Remember(address, TestPeers.Alice);
        var gate = new TrustGate(store, TrustPolicy.AcceptNew, pinned: null, ask: null, "User2");

        gate.CheckBeforeProof(TestPeers.MalloryIdentity("someone"), [address, PeerLabel.Name("someone")])
            .Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.KeyChanged, Presented = TestPeers.Mallory, Expected = TestPeers.Alice });
        gate.CheckBeforeProof(TestPeers.AliceIdentity("someone"), [address, PeerLabel.Name("someone")]).Should().BeNull();
    }

    [Fact]
    public void CheckBeforeProof_PinnedOtherKey_Refused()
    {
        var gate = new TrustGate(KnownPeers.Load(_folder.KnownPeersPath), TrustPolicy.AcceptNew, pinned: TestPeers.Alice, ask: null, "User2");

        gate.CheckBeforeProof(TestPeers.MalloryIdentity(), [PeerLabel.Name("alice")])
            .Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.PinnedMismatch });
        gate.CheckBeforeProof(TestPeers.AliceIdentity(), [PeerLabel.Name("alice")]).Should().BeNull();
    }

    [Fact]
    public void CheckBeforeProof_NewPeer_LeftToTheDecisionAfterProof() =>
        new TrustGate(KnownPeers.Load(_folder.KnownPeersPath), TrustPolicy.Strict, pinned: null, ask: null, "User2")
            .CheckBeforeProof(TestPeers.AliceIdentity(), [PeerLabel.Name("alice")]).Should().BeNull();
}
