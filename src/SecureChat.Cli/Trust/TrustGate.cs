// The trust decision after a handshake, SSH's known_hosts logic for people: a pinned fingerprint decides
// alone; otherwise a key that differs from the one remembered under any of the peer's labels is refused
// whatever the policy (that is exactly what a man in the middle looks like), and only a peer met under no
// known label is left to the policy. Pure: the caller does the talking, through the ask callback and the
// verdict's message.
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Cli.Trust;

/// <summary>Decides whether to accept a peer's identity key, and remembers the keys it accepts for good.</summary>
public sealed class TrustGate
{
    private readonly KnownPeers _known;
    private readonly TrustPolicy _policy;
    private readonly Fingerprint? _pinned;
    private readonly Func<PeerIdentity, CancellationToken, ValueTask<TrustAnswer>>? _ask;
    private readonly string _programName;
    private readonly Fingerprint? _own;

    /// <summary>Creates the gate.</summary>
    /// <param name="known">The store to check against and to remember accepted keys in.</param>
    /// <param name="policy">What to do with a peer under no known label.</param>
    /// <param name="pinned">If set, the only key accepted, whatever the store says.</param>
    /// <param name="ask">Asks the user about a new peer under <see cref="TrustPolicy.Ask"/>; without it, Ask acts as Strict.</param>
    /// <param name="programName">How the user runs this app (<c>User1</c>, <c>dotnet run --project src/User1 --</c>), for the advice in messages.</param>
    /// <param name="own">Our own identity key's fingerprint: a peer holding it is refused (two apps sharing one home).</param>
    public TrustGate(
        KnownPeers known,
        TrustPolicy policy,
        Fingerprint? pinned,
        Func<PeerIdentity, CancellationToken, ValueTask<TrustAnswer>>? ask,
        string programName,
        Fingerprint? own = null)
    {
        _own = own;
        ArgumentNullException.ThrowIfNull(known);
        ArgumentException.ThrowIfNullOrWhiteSpace(programName);
        _known = known;
        _policy = policy;
        _pinned = pinned;
        _ask = ask;
        _programName = programName;
    }

    /// <summary>
    /// Decides about <paramref name="peer"/>, met under <paramref name="labels"/> (its name, and the address
    /// dialled if we connected), and remembers its key under those labels when the decision is to trust it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="labels"/> is empty.</exception>
    /// <exception cref="KnownPeersException">An accepted key could not be saved.</exception>
    public async ValueTask<TrustVerdict> DecideAsync(PeerIdentity peer, IReadOnlyList<PeerLabel> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("A peer is met under at least one label, its name.", nameof(labels));
        }

        ct.ThrowIfCancellationRequested();
        Fingerprint presented = peer.Fingerprint;
        string who = Quote(peer.Name);
        if (CheckBeforeProof(peer, labels) is { } refused)
        {
            return refused;
        }

        if (_pinned is not null)
        {
            // The user named this key explicitly, so it also replaces any older key remembered for these labels.
            RememberAll(labels, presented);
            return Accept(TrustReason.Pinned, presented, _pinned, $"{who} presented the pinned key {presented}.");
        }

        var remembered = labels.Select(label => (Label: label, Fingerprint: _known.Find(label))).ToList();
        if (remembered.Any(r => r.Fingerprint is not null))
        {
            RememberAll(labels, presented);
            return Accept(TrustReason.Known, presented, presented, $"{who} presented the same key as before ({presented}).");
        }

        TrustAnswer answer;
        if (_policy == TrustPolicy.AcceptNew)
        {
            answer = TrustAnswer.Accept;
        }
        else if (_policy == TrustPolicy.Ask && _ask is not null)
        {
            answer = await _ask(peer, ct);
        }
        else
        {
            return Refuse(TrustReason.UnknownPeer, presented, null,
                $"{who} ({presented}) is not a known peer, and only known peers are accepted here, so the connection is refused. " +
                "To trust them, check the safety number with them and pin their fingerprint.");
        }

        switch (answer)
        {
            case TrustAnswer.Accept:
                RememberAll(labels, presented);
                return Accept(TrustReason.NewAccepted, presented, null,
                    $"{who} is new; their key {presented} is now remembered. " +
                    $"To rule out a man in the middle, check that they see the same safety number: {peer.SafetyNumber}");
            case TrustAnswer.Once:
                return Accept(TrustReason.AcceptedOnce, presented, null,
                    $"{who} ({presented}) is trusted for this conversation only; the key is not remembered.");
            default:
                // Also any undefined answer: when in doubt, the door stays shut.
                return Refuse(TrustReason.RefusedByUser, presented, null, $"You refused {who} ({presented}).");
        }
    }

    /// <summary>
    /// The refusals that need no proof from the peer: our own key, a key other than the pinned one, and a key
    /// other than the one remembered under one of its labels. The initiator runs this on frame 2, before it
    /// proves anything keyed by the pre-shared key (pin before proof); null when none applies.
    /// </summary>
    public TrustVerdict? CheckBeforeProof(PeerIdentity peer, IReadOnlyList<PeerLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(labels);
        Fingerprint presented = peer.Fingerprint;
        string who = Quote(peer.Name);
        if (presented.Equals(_own))
        {
            return Refuse(TrustReason.OwnKey, presented, _own,
                $"{who} presented {presented}, which is your own key: this is your own key, so the connection is refused. " +
                "Two apps that share one home folder share one identity; give each its own --home.");
        }

        if (_pinned is not null)
        {
            return presented.Equals(_pinned) ? null : Refuse(TrustReason.PinnedMismatch, presented, _pinned,
                $"{who} presented the key {presented}, not the pinned {_pinned}, so the connection is refused: someone may be in the middle.");
        }

        var changed = labels.SelectMany(Remembered).Where(r => !r.Fingerprint.Equals(presented)).ToList();
        if (changed.Count == 0)
        {
            return null;
        }

        (PeerLabel label, Fingerprint old) = changed[0];
        string lookalike = label.Kind == PeerLabelKind.Name && label.Value != peer.Name
            ? $" (\"{peer.Name}\" looks like {Describe(label)}, so it counts as that name)"
            : "";
        return Refuse(TrustReason.KeyChanged, presented, old,
            $"The key of {Describe(label)} has changed{lookalike}: it was {old} and is now {presented}, so someone may be " +
            "impersonating them and the connection is refused. If they really made a new key, forget the old one with: " +
            $"{_programName} peers forget {ShellWord(ForgetTarget(label, old, changed.Select(c => c.Label).Distinct().Count()))}");
    }

    /// <summary>What is remembered under <paramref name="label"/>, or under a name that looks like it.</summary>
    private IEnumerable<(PeerLabel Label, Fingerprint Fingerprint)> Remembered(PeerLabel label) =>
        label.Kind == PeerLabelKind.Name
            ? _known.FindLookalikes(label.Value).Select(entry => (entry.Label, entry.Fingerprint))
            : _known.Find(label) is { } fingerprint ? [(label, fingerprint)] : [];

    private void RememberAll(IReadOnlyList<PeerLabel> labels, Fingerprint fingerprint)
    {
        foreach (PeerLabel label in labels)
        {
            if (!fingerprint.Equals(_known.Find(label)))
            {
                _known.Remember(label, fingerprint);
            }
        }
    }

    private static string Describe(PeerLabel label) =>
        label.Kind == PeerLabelKind.Name ? Quote(label.Value) : $"the peer at {label.Value}";

    private static string Quote(string name) => $"\"{name}\"";

    /// <summary>
    /// What to forget: the full label (<c>name:bob</c>, which no peer can make look like a fingerprint or an
    /// option), unless several labels changed (forgetting the old key removes them all).
    /// </summary>
    private static string ForgetTarget(PeerLabel label, Fingerprint old, int changedLabels) =>
        changedLabels == 1 ? label.ToString() : old.ToString();

    /// <summary>The argument as a POSIX shell needs it: bare when plain, else single-quoted.</summary>
    private static string ShellWord(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || "._-:@%+=,/".Contains(c, StringComparison.Ordinal))
            ? value
            : $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static TrustVerdict Accept(TrustReason reason, Fingerprint presented, Fingerprint? expected, string message) =>
        new(true, reason, presented, expected, message);

    private static TrustVerdict Refuse(TrustReason reason, Fingerprint presented, Fingerprint? expected, string message) =>
        new(false, reason, presented, expected, message);
}

/// <summary>The outcome of <see cref="TrustGate.DecideAsync"/>.</summary>
/// <param name="Accepted">Whether the conversation may go on.</param>
/// <param name="Reason">Which rule decided.</param>
/// <param name="Presented">The fingerprint of the key the peer presented.</param>
/// <param name="Expected">The fingerprint that was expected (remembered or pinned), if any.</param>
/// <param name="Message">One or two plain sentences for the user.</param>
public sealed record TrustVerdict(bool Accepted, TrustReason Reason, Fingerprint Presented, Fingerprint? Expected, string Message);

/// <summary>Which rule decided a <see cref="TrustVerdict"/>.</summary>
public enum TrustReason
{
    /// <summary>Accepted: the key is the one remembered for the peer.</summary>
    Known,

    /// <summary>Accepted and remembered: a new peer, by the AcceptNew policy or the user's answer.</summary>
    NewAccepted,

    /// <summary>Accepted for this conversation only, by the user's answer; nothing remembered.</summary>
    AcceptedOnce,

    /// <summary>Accepted: the key is the pinned one.</summary>
    Pinned,

    /// <summary>Refused: a fingerprint was pinned and the key is a different one.</summary>
    PinnedMismatch,

    /// <summary>Refused: a different key is remembered under one of the peer's labels.</summary>
    KeyChanged,

    /// <summary>Refused: the peer holds our own identity key.</summary>
    OwnKey,

    /// <summary>Refused: a new peer, and the policy accepts only known ones (Strict, or Ask with no one to ask).</summary>
    UnknownPeer,

    /// <summary>Refused: the user said no.</summary>
    RefusedByUser,
}

/// <summary>The user's answer about a new peer.</summary>
public enum TrustAnswer
{
    /// <summary>Trust the key and remember it.</summary>
    Accept,

    /// <summary>Trust the key for this conversation only.</summary>
    Once,

    /// <summary>Do not trust the key.</summary>
    Refuse,
}
