// The commands typed at the prompt (SlashCommand parses them). Each answers with an event; none renders.
using System.Globalization;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Chat;

/// <summary>Commands.</summary>
public sealed partial class ChatLoop
{
    /// <summary>Runs a slash command; true for <c>/quit</c>.</summary>
    private async Task<bool> RunCommandAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        switch (command.Verb)
        {
            case CommandVerb.Quit:
                return true;
            case CommandVerb.Help:
                _events.Publish(new HelpAsked());
                break;
            case CommandVerb.Send:
                Offer(command.Argument, cancellationToken);
                break;
            case CommandVerb.Accept or CommandVerb.Reject:
                await AnswerOfferAsync(command, cancellationToken).ConfigureAwait(false);
                break;
            case CommandVerb.Verify:
                PeerIdentity peer = _session.Peer;
                _events.Publish(new FingerprintsAsked(_session.LocalFingerprint.ToString(), peer.Name, peer.Fingerprint.ToString(), peer.SafetyNumber.ToString()));
                _events.Publish(Keys());
                break;
            case CommandVerb.Status:
                _events.Publish(Status());
                _events.Publish(Keys());
                break;
            case CommandVerb.Rekey:
                await RekeyAsync(cancellationToken).ConfigureAwait(false);
                break;
            default:
                _events.Publish(new UnknownCommand(command.Typed));
                break;
        }

        return false;
    }

    private void Offer(string argument, CancellationToken cancellationToken)
    {
        if (argument.Length == 0)
        {
            _events.Publish(new CommandMisused("/send PATH"));
            return;
        }

        string path = argument.Length > 1 && argument[0] == '"' && argument[^1] == '"' ? argument[1..^1] : argument;
        _ = Task.Run(() => _state.Files.OfferFromPromptAsync(path, cancellationToken), CancellationToken.None); // hashing a large file must not hold the prompt
    }

    private async Task AnswerOfferAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        int? number = int.TryParse(command.Argument, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
        try
        {
            await (command.Verb == CommandVerb.Accept ? _state.Files.AcceptAsync(number, cancellationToken) : _state.Files.RejectAsync(number, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException)
        {
            _events.Publish(new OfferAnswerFailed(e.Message));
        }
    }

    private async Task RekeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _session.RekeyAsync(cancellationToken).ConfigureAwait(false);
            _events.Publish(Keys() with { Renewed = true });
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException)
        {
            _events.Publish(new RekeyFailed(e.Message));
        }
    }

    private KeysDescribed Keys() => new(SecureSession.KeyAgreementDescription, _session.LastRekey, _session.RekeyCount);

    private StatusAsked Status()
    {
        int sent;
        int received;
        lock (_gate)
        {
            sent = _state.Sent;
            received = _state.Received;
        }

        return new StatusAsked(_session.Peer.Name, _session.Peer.Fingerprint.ToString(), SuiteNames.ToWireName(_session.Suite), DateTimeOffset.Now - _started, sent, received, Conversation.UnconfirmedCount);
    }
}
