// The trust decision of a run, for the session's two hooks: before proof (User2 checks the responder it
// expects before the PSK keys anything), and after the handshake (the known peers, --trust, a pin, and at a
// terminal the question to the user). One question at a time; a peer not known before is remembered as
// unverified, so that it speaks under a short fingerprint.
using System.Collections.Concurrent;
using SecureChat.Cli.Views;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Home;
using SecureChat.Cli.Network;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Trust;

/// <summary>Decides whether a peer is trusted, asking the user when the policy says to.</summary>
internal sealed class TrustPrompt : IDisposable
{
    private readonly ChatSettings _settings;
    private readonly IChatTerminal _terminal;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _unverified = new(StringComparer.Ordinal);

    public TrustPrompt(ChatSettings settings, IChatTerminal terminal)
    {
        _settings = settings;
        _terminal = terminal;
    }

    /// <summary>Whether <paramref name="peer"/> was first accepted in this run (not known before).</summary>
    public bool IsUnverified(Fingerprint peer) => _unverified.ContainsKey(peer.ToString());

    /// <summary>
    /// Session options for <paramref name="identity"/>. With a <paramref name="slot"/> (User1) the trust
    /// decision claims it first; without one (User2) the responder is checked before proof.
    /// </summary>
    public SessionOptions Options(ChatIdentity identity, Func<PeerIdentity, IReadOnlyList<PeerLabel>> labels, ConversationSlot? slot, Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation>? resolveConversation) =>
        _settings.Timeouts.ToSessionOptions(
            identity.Key,
            _settings.Name,
            identity.PreSharedKey,
            _settings.Suites,
            trust: (peer, ct) => DecideAsync(identity, peer, labels(peer), slot, ct),
            resolveConversation: resolveConversation,
            expectResponder: slot is null ? peer => CheckBeforeProof(identity, peer, labels(peer)) : null);

    /// <summary>Releases the turn lock.</summary>
    public void Dispose() => _turn.Dispose();

    /// <summary>Pin before proof (User2): a responder that is not the one expected here hears nothing keyed by the PSK.</summary>
    private bool CheckBeforeProof(ChatIdentity identity, PeerIdentity peer, IReadOnlyList<PeerLabel> labels)
    {
        try
        {
            TrustVerdict? refused = Gate(identity).CheckBeforeProof(peer, labels);
            if (refused is not null)
            {
                _terminal.ShowWarning(refused.Message);
            }

            return refused is null;
        }
        catch (KnownPeersException e)
        {
            _terminal.ShowWarning($"Could not check the known peers, so the connection is refused: {e.Message}");
            return false;
        }
    }

    private async ValueTask<bool> DecideAsync(ChatIdentity identity, PeerIdentity peer, IReadOnlyList<PeerLabel> labels, ConversationSlot? slot, CancellationToken cancellationToken)
    {
        // One question at a time, even if two callers finish their handshakes together.
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool reserved = false;
        try
        {
            // The listener claims its one conversation before asking anything: a caller that finishes
            // its handshake while another conversation runs (or is being decided) never gets a prompt.
            if (slot is not null)
            {
                if (!slot.TryClaim())
                {
                    _terminal.ShowWarning($"Turned away \"{SafeText.ForTerminal(peer.Name)}\" ({peer.Fingerprint}): already in a conversation.");
                    return false;
                }

                reserved = true;
            }

            // Read afresh each time, so that 'peers forget' run while we listen takes effect.
            TrustVerdict verdict = await Gate(identity).DecideAsync(peer, labels, cancellationToken).ConfigureAwait(false);
            if (verdict.Reason is TrustReason.NewAccepted or TrustReason.AcceptedOnce)
            {
                _unverified[peer.Fingerprint.ToString()] = true; // shown with a short fingerprint while it speaks
            }

            if (!verdict.Accepted)
            {
                _terminal.ShowWarning(verdict.Message);
            }
            else if (verdict.Reason == TrustReason.NewAccepted)
            {
                _terminal.ShowSystem($"First contact with {peer.Name}: remembered its key {peer.Fingerprint}. Safety number (compare it aloud; it is the same on both screens): {peer.SafetyNumber}");
            }

            reserved &= !verdict.Accepted;
            return verdict.Accepted;
        }
        catch (KnownPeersException e)
        {
            _terminal.ShowWarning($"Could not check the known peers, so the connection is refused: {e.Message}");
            return false;
        }
        finally
        {
            if (reserved)
            {
                slot!.Release(); // refused: the slot is free again
            }

            _turn.Release();
        }
    }

    private TrustGate Gate(ChatIdentity identity) =>
        new(KnownPeers.Load(identity.Home.KnownPeersPath), _settings.Trust, _settings.PinnedPeer, _terminal.IsInteractive ? AskAsync : null, ForgetCommandPrefix(), identity.Key.Fingerprint);

    /// <summary>How the user runs 'peers forget' for this same home, for the changed-key message.</summary>
    private string ForgetCommandPrefix() =>
        _settings.Home is { } home ? $"{_settings.Invocation ?? _settings.ProgramName} --home {AppInvocation.ShellWord(Path.GetFullPath(home))}"
        : _settings.Invocation ?? _settings.ProgramName;

    private async ValueTask<TrustAnswer> AskAsync(PeerIdentity peer, CancellationToken cancellationToken)
    {
        _terminal.ShowSystem($"First contact with \"{peer.Name}\".");
        _terminal.ShowSystem($"  Fingerprint:   {peer.Fingerprint}");
        _terminal.ShowSystem($"  Safety number: {peer.SafetyNumber}");
        _terminal.ShowSystem("Compare the safety number with them (it is the same on both screens). Type yes to trust and remember, once for this time only, no to refuse, or paste the fingerprint you were given.");
        _terminal.DiscardPendingInput(); // only what is typed after the question answers it
        string answer = (await _terminal.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "no").Trim();
        if (Fingerprint.TryParse(answer, out Fingerprint? typed))
        {
            if (typed.Equals(peer.Fingerprint))
            {
                return TrustAnswer.Accept;
            }

            _terminal.ShowWarning($"That fingerprint does not match: {peer.Name} presented {peer.Fingerprint}.");
            return TrustAnswer.Refuse;
        }

        return answer.ToLowerInvariant() switch
        {
            "y" or "yes" => TrustAnswer.Accept,
            "o" or "once" => TrustAnswer.Once,
            _ => TrustAnswer.Refuse,
        };
    }
}
