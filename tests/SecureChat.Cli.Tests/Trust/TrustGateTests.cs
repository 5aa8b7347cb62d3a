using SecureChat.Cli.Trust;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Cli.Tests.Trust;

public sealed class TrustGateTests : IDisposable
{
    private static readonly PeerLabel AliceName = PeerLabel.Name("alice");
    private static readonly PeerLabel AliceAddress = PeerLabel.Address("127.0.0.1", 7878);

    private readonly TempFolder _folder = new();
    private readonly List<PeerIdentity> _asked = [];

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(TrustPolicy.Ask)]
    [InlineData(TrustPolicy.AcceptNew)]
    [InlineData(TrustPolicy.Strict)]
    public async Task KnownPeer_SameKey_IsAcceptedUnderEveryPolicy(TrustPolicy policy)
    {
        KnownPeers known = Store((AliceName, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, policy, answer: TrustAnswer.Refuse).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.Known, Presented = TestPeers.Alice, Expected = TestPeers.Alice });
        verdict.Message.Should().Contain("\"alice\"").And.Contain(TestPeers.Alice.ToString());
        _asked.Should().BeEmpty();
    }

    [Theory]
    [InlineData(TrustPolicy.Ask)]
    [InlineData(TrustPolicy.AcceptNew)]
    [InlineData(TrustPolicy.Strict)]
    public async Task ChangedKey_IsRefusedUnderEveryPolicy_WithoutAsking(TrustPolicy policy)
    {
        KnownPeers known = Store((AliceName, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, policy, answer: TrustAnswer.Accept, program: "User1")
            .DecideAsync(TestPeers.MalloryIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.KeyChanged, Presented = TestPeers.Mallory, Expected = TestPeers.Alice });
        verdict.Message.Should().Contain("\"alice\"")
            .And.Contain(TestPeers.Alice.ToString())
            .And.Contain(TestPeers.Mallory.ToString())
            .And.EndWith("User1 peers forget name:alice");
        _asked.Should().BeEmpty("a changed key is never the user's call in the moment");
        Reload(known).Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task NewPeer_AcceptNew_IsAcceptedAndRemembered()
    {
        KnownPeers known = Store();

        TrustVerdict verdict = await Gate(known, TrustPolicy.AcceptNew).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.NewAccepted, Presented = TestPeers.Alice, Expected = (Fingerprint?)null });
        verdict.Message.Should().Contain("\"alice\"").And.Contain(TestPeers.AliceIdentity().SafetyNumber.ToString());
        Reload(known).Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task NewPeer_Strict_IsRefusedAndNotRemembered()
    {
        KnownPeers known = Store();

        TrustVerdict verdict = await Gate(known, TrustPolicy.Strict, answer: TrustAnswer.Accept).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.UnknownPeer, Presented = TestPeers.Alice });
        _asked.Should().BeEmpty();
        Reload(known).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task NewPeer_AskWithNoOneToAsk_ActsAsStrict()
    {
        KnownPeers known = Store();
        var gate = new TrustGate(known, TrustPolicy.Ask, pinned: null, ask: null, "User1");

        TrustVerdict verdict = await gate.DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.UnknownPeer });
        Reload(known).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task NewPeer_AskAndAccept_IsAcceptedAndRemembered()
    {
        KnownPeers known = Store();
        PeerIdentity alice = TestPeers.AliceIdentity();

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask, answer: TrustAnswer.Accept).DecideAsync(alice, [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.NewAccepted });
        _asked.Should().Equal(alice);
        Reload(known).Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task NewPeer_AskAndRefuse_IsRefusedAndNotRemembered()
    {
        KnownPeers known = Store();

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask, answer: TrustAnswer.Refuse).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.RefusedByUser, Presented = TestPeers.Alice });
        _asked.Should().ContainSingle();
        Reload(known).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task NewPeer_AskAndOnce_IsAcceptedButNotRemembered()
    {
        KnownPeers known = Store();

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask, answer: TrustAnswer.Once).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.AcceptedOnce });
        _asked.Should().ContainSingle();
        Reload(known).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task NewPeer_AskWithAnUndefinedAnswer_IsRefused()
    {
        TrustVerdict verdict = await Gate(Store(), TrustPolicy.Ask, answer: (TrustAnswer)42).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Accepted.Should().BeFalse();
    }

    [Fact]
    public async Task Ask_GetsTheCallersCancellationToken()
    {
        using var cancellation = new CancellationTokenSource();
        CancellationToken seen = default;
        var gate = new TrustGate(Store(), TrustPolicy.Ask, null, (_, ct) =>
        {
            seen = ct;
            return ValueTask.FromResult(TrustAnswer.Once);
        }, "User1");

        await gate.DecideAsync(TestPeers.AliceIdentity(), [AliceName], cancellation.Token);

        seen.Should().Be(cancellation.Token);
    }

    [Theory]
    [InlineData(TrustPolicy.Strict)]
    [InlineData(TrustPolicy.Ask)]
    public async Task Pinned_MatchingKey_IsAcceptedAndRemembered(TrustPolicy policy)
    {
        KnownPeers known = Store();

        TrustVerdict verdict = await Gate(known, policy, pinned: TestPeers.Alice).DecideAsync(TestPeers.AliceIdentity(), [AliceAddress, AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.Pinned, Presented = TestPeers.Alice, Expected = TestPeers.Alice });
        _asked.Should().BeEmpty();
        KnownPeers reloaded = Reload(known);
        reloaded.Find(AliceAddress).Should().Be(TestPeers.Alice);
        reloaded.Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task Pinned_NewKeyForAKnownPeer_IsAcceptedAndReplacesTheOldKey()
    {
        KnownPeers known = Store((AliceName, TestPeers.Mallory));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Strict, pinned: TestPeers.Alice).DecideAsync(TestPeers.AliceIdentity(), [AliceName], default);

        verdict.Reason.Should().Be(TrustReason.Pinned);
        Reload(known).Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Theory]
    [InlineData(TrustPolicy.AcceptNew)]
    [InlineData(TrustPolicy.Ask)]
    public async Task Pinned_OtherKey_IsRefusedEvenIfKnown(TrustPolicy policy)
    {
        KnownPeers known = Store((AliceName, TestPeers.Mallory));

        TrustVerdict verdict = await Gate(known, policy, pinned: TestPeers.Alice, answer: TrustAnswer.Accept)
            .DecideAsync(TestPeers.MalloryIdentity(), [AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.PinnedMismatch, Presented = TestPeers.Mallory, Expected = TestPeers.Alice });
        verdict.Message.Should().Contain(TestPeers.Alice.ToString()).And.Contain(TestPeers.Mallory.ToString());
        _asked.Should().BeEmpty();
        Reload(known).Entries.Should().ContainSingle().Which.Fingerprint.Should().Be(TestPeers.Mallory);
    }

    [Fact]
    public async Task Connector_KnownAddressAndNewName_IsAcceptedAndRemembersTheName()
    {
        KnownPeers known = Store((AliceAddress, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Strict).DecideAsync(TestPeers.AliceIdentity(), [AliceAddress, AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = true, Reason = TrustReason.Known });
        Reload(known).Find(AliceName).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task Connector_KnownNameAtANewAddress_IsAcceptedAndRemembersTheAddress()
    {
        KnownPeers known = Store((AliceName, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Strict).DecideAsync(TestPeers.AliceIdentity(), [AliceAddress, AliceName], default);

        verdict.Reason.Should().Be(TrustReason.Known);
        Reload(known).Find(AliceAddress).Should().Be(TestPeers.Alice);
    }

    [Fact]
    public async Task Connector_AddressKnownWithAnotherKey_IsRefusedEvenThoughTheNameMatches()
    {
        KnownPeers known = Store((AliceAddress, TestPeers.Alice), (AliceName, TestPeers.Mallory));

        TrustVerdict verdict = await Gate(known, TrustPolicy.AcceptNew, program: "User2")
            .DecideAsync(TestPeers.MalloryIdentity(), [AliceAddress, AliceName], default);

        verdict.Should().BeEquivalentTo(new { Accepted = false, Reason = TrustReason.KeyChanged, Presented = TestPeers.Mallory, Expected = TestPeers.Alice });
        verdict.Message.Should().Contain("the peer at 127.0.0.1:7878").And.EndWith("User2 peers forget address:127.0.0.1:7878");
    }

    [Fact]
    public async Task Connector_NameKnownWithAnotherKeyAtANewAddress_IsRefusedAndNothingIsRemembered()
    {
        KnownPeers known = Store((AliceName, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.AcceptNew, program: "User2")
            .DecideAsync(TestPeers.MalloryIdentity(), [AliceAddress, AliceName], default);

        verdict.Reason.Should().Be(TrustReason.KeyChanged);
        Reload(known).Find(AliceAddress).Should().BeNull();
    }

    [Fact]
    public async Task ChangedKey_UnderSeveralLabels_AdvisesForgettingTheOldFingerprint()
    {
        KnownPeers known = Store((AliceAddress, TestPeers.Alice), (AliceName, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask, program: "User2")
            .DecideAsync(TestPeers.MalloryIdentity(), [AliceAddress, AliceName], default);

        verdict.Reason.Should().Be(TrustReason.KeyChanged);
        verdict.Message.Should().EndWith($"User2 peers forget {TestPeers.Alice}");
    }

    [Theory]
    [InlineData("alice smith", "'name:alice smith'")]
    [InlineData("it's me", "'name:it'\\''s me'")]
    [InlineData("$HOME", "'name:$HOME'")]
    public async Task ChangedKey_NameNeedingQuotes_IsQuotedForTheShell(string name, string argument)
    {
        PeerLabel label = new(PeerLabelKind.Name, name); // as remembered before the TR39 name rules
        KnownPeers known = Store((label, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask).DecideAsync(TestPeers.MalloryIdentity(name), [label], default);

        verdict.Message.Should().Contain($"\"{name}\"").And.EndWith($"User1 peers forget {argument}");
    }

    [Fact]
    public async Task ChangedKey_NameStartingWithADash_AdvisesTheFullLabelWhichNoOptionLooksLike()
    {
        PeerLabel label = PeerLabel.Name("-rf");
        KnownPeers known = Store((label, TestPeers.Alice));

        TrustVerdict verdict = await Gate(known, TrustPolicy.Ask).DecideAsync(TestPeers.MalloryIdentity("-rf"), [label], default);

        verdict.Message.Should().Contain("\"-rf\"").And.EndWith("User1 peers forget name:-rf");
    }

    [Fact]
    public async Task NoLabels_IsAnError()
    {
        Func<Task> decide = async () => await Gate(Store(), TrustPolicy.AcceptNew).DecideAsync(TestPeers.AliceIdentity(), [], default);

        await decide.Should().ThrowAsync<ArgumentException>();
    }

    private KnownPeers Store(params (PeerLabel Label, Fingerprint Fingerprint)[] entries)
    {
        KnownPeers known = KnownPeers.Load(_folder.KnownPeersPath);
        foreach ((PeerLabel label, Fingerprint fingerprint) in entries)
        {
            known.Remember(label, fingerprint);
        }

        return known;
    }

    private static KnownPeers Reload(KnownPeers known) => KnownPeers.Load(known.Path);

    private TrustGate Gate(KnownPeers known, TrustPolicy policy, Fingerprint? pinned = null, TrustAnswer answer = TrustAnswer.Refuse, string program = "User1") =>
        new(known, policy, pinned, (peer, _) =>
        {
            _asked.Add(peer);
            return ValueTask.FromResult(answer);
        }, program);
}
