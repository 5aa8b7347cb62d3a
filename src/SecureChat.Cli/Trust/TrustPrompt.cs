// The trust decision of a run, for the session's two hooks: before proof (User2 checks the responder it
// expects before the PSK keys anything), and after the handshake (the known peers, --trust, a pin, and at a
// terminal the question to the user). One question at a time; a peer not known before is remembered as
// unverified, so that it speaks under a short fingerprint.
using System.Collections.Concurrent;
using SecureChat.Cli.Chat;
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
    private readonly IChatInput _input;
    private readonly IChatEvents _events;
    private readonly Func<Task<IDisposable>> _holdInput;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _unverified = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks with a chat event on <paramref name="events"/> and reads the answer from <paramref name="input"/>
    /// (any view's); <paramref name="holdInput"/> takes the input from whoever reads it while nobody is
    /// connected, for as long as the question is open. <paramref name="terminal"/> says whether anyone can be asked.
    /// </summary>
    public TrustPrompt(ChatSettings settings, IChatTerminal terminal, IChatInput input, IChatEvents events, Func<Task<IDisposable>> holdInput)
    {
        _settings = settings;
        _terminal = terminal;
        _input = input;
        _events = events;
        _holdInput = holdInput;
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
                _events.Publish(new PeerRefusedByTrust(refused.Message));
            }

            return refused is null;
        }
        catch (KnownPeersException e)
        {
            _events.Publish(new KnownPeersUnreadable(e.Message));
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
                    _events.Publish(new CallerTurnedAway(peer.Name, peer.Fingerprint.ToString()));
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
                _events.Publish(new PeerRefusedByTrust(verdict.Message));
            }
            else if (verdict.Reason == TrustReason.NewAccepted)
            {
                _events.Publish(new FirstContactRemembered(peer.Name, peer.Fingerprint.ToString(), peer.SafetyNumber.ToString()));
            }

            reserved &= !verdict.Accepted;
            return verdict.Accepted;
        }
        catch (KnownPeersException e)
        {
            _events.Publish(new KnownPeersUnreadable(e.Message));
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

    /// <summary>
    /// The question as a chat event, the answer as typed input (issue 16): a line view types yes / once / no
    /// or pastes the fingerprint; a dialog gives a <see cref="TrustReply"/>. If the connection ends first,
    /// the question is withdrawn (issue 17 item 7).
    /// </summary>
    private async ValueTask<TrustAnswer> AskAsync(PeerIdentity peer, CancellationToken cancellationToken)
    {
        using IDisposable held = await _holdInput().ConfigureAwait(false);
        // Only what is typed after the question answers it: a typed-ahead "yes" must never accept a key the user
        // has not seen. So what waits is dropped before the question is shown, never after: a discard after it
        // would drop an answer typed the moment the question appears.
        _terminal.DiscardPendingInput();
        var question = new TrustQuestionAsked(peer.Name, peer.Fingerprint.ToString(), peer.SafetyNumber.ToString());
        _events.Publish(question);
        try
        {
            while (true)
            {
                switch (await _input.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    case TrustReply reply:
                        return reply.Answer;
                    case TextInput { Text: var typed } when Fingerprint.TryParse(typed.Trim(), out Fingerprint? given):
                        if (given.Equals(peer.Fingerprint))
                        {
                            return TrustAnswer.Accept;
                        }

                        _events.Publish(new TrustFingerprintMismatch(peer.Name, peer.Fingerprint.ToString()));
                        return TrustAnswer.Refuse;
                    case TextInput { Text: var typed }:
                        return TrustReply.FromWord(typed).Answer;
                    case CommandInput { Command.Verb: not CommandVerb.Quit }:
                        _events.Publish(question); // a command is no answer: the question stands
                        break;
                    default:
                        return TrustAnswer.Refuse; // /quit, or the end of input
                }
            }
        }
        catch (OperationCanceledException)
        {
            _events.Publish(new TrustQuestionWithdrawn(peer.Name));
            throw;
        }
    }
}
