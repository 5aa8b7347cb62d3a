// The seam between the chat core and a terminal: chat events become lines on an IChatTerminal (a person's
// line mode in Views/Line, a script's streams in Views/Script), and the terminal's lines become chat input.
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>Shows chat events on a terminal, in the sentences of <see cref="ChatSentences"/> and <see cref="FileSentences"/>.</summary>
/// <param name="terminal">Where to show them.</param>
public sealed class TerminalView(IChatTerminal terminal) : IChatEvents
{
    private readonly ProgressDisplay _progress = new(terminal);

    /// <inheritdoc />
    public void Publish(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case MessageShown { Own: true } own:
                terminal.ShowOwn(own.At, own.Name, own.Text);
                break;
            case MessageShown { LateSentAt: { } sentAt } late:
                terminal.ShowIncomingLate(late.At, sentAt, late.Name, late.Text);
                break;
            case MessageShown incoming:
                terminal.ShowIncoming(incoming.At, incoming.Name, incoming.Text);
                break;
            case DeliveredThrough delivered when terminal.IsInteractive: // a script learns it from the exit code
                terminal.ShowSystem(ChatSentences.Delivered(delivered));
                break;
            case Reconnected reconnected:
                terminal.ShowSystem(ChatSentences.Reconnected(reconnected));
                break;
            case PeerLeft left:
                terminal.ShowSystem(ChatSentences.PeerLeft(left));
                break;
            case WeLeft:
                terminal.ShowSystem(ChatSentences.WeLeft);
                break;
            case ClockSkewNoticed skew:
                terminal.ShowWarning(ChatSentences.ClockSkew(skew));
                break;
            case LineRefused refused:
                terminal.ShowWarning(ChatSentences.LineRefused(refused));
                break;
            case SessionFailed failed:
                terminal.ShowWarning(ChatSentences.SessionFailed(failed));
                break;
            case PeerGaveUpWaiting gaveUp:
                terminal.ShowWarning(ChatSentences.PeerGaveUpWaiting(gaveUp));
                break;
            case PeerSilence { Stalled: true } stall:
                terminal.ShowWarning(ChatSentences.Silence(stall));
                break;
            case PeerSilence heard:
                terminal.ShowSystem(ChatSentences.Silence(heard));
                break;
            case UndeliveredListed listed:
                UndeliveredList.Show(terminal, listed.Undelivered, listed.Files, listed.Unread);
                break;
            case HelpAsked:
                foreach (string line in ChatSentences.Help)
                {
                    terminal.ShowSystem(line);
                }

                break;
            case Connected connected:
                terminal.ShowSystem(ChatSentences.Connected(connected));
                break;
            case AwaitingPeerConfirmation awaiting:
                terminal.ShowSystem(ChatSentences.AwaitingPeerConfirmation(awaiting));
                break;
            case LineQueued queued when terminal.IsInteractive: // a script's lines are all queued alike; its exit code tells
                terminal.ShowSystem(ChatSentences.LineQueued(queued));
                break;
            case LineNotQueued refused:
                terminal.ShowWarning(ChatSentences.LineNotQueued(refused));
                break;
            case CommandNeedsPeer needsPeer:
                terminal.ShowWarning(ChatSentences.CommandNeedsPeer(needsPeer));
                break;
            case TrustQuestionAsked question:
                foreach (string line in ChatSentences.TrustQuestion(question))
                {
                    terminal.ShowSystem(line);
                }

                break;
            case TrustQuestionWithdrawn withdrawn:
                terminal.ShowWarning(ChatSentences.TrustQuestionWithdrawn(withdrawn));
                break;
            case TrustFingerprintMismatch mismatch:
                terminal.ShowWarning(ChatSentences.TrustFingerprintMismatch(mismatch));
                break;
            case IdleStatus idle:
                terminal.ShowSystem(ChatSentences.IdleStatus(idle));
                break;
            case FingerprintsAsked fingerprints:
                foreach (string line in ChatSentences.Fingerprints(fingerprints))
                {
                    terminal.ShowSystem(line);
                }

                break;
            case KeysDescribed keys:
                terminal.ShowSystem(ChatSentences.Keys(keys));
                break;
            case RekeyFailed failed:
                terminal.ShowWarning(ChatSentences.RekeyFailed(failed));
                break;
            case StatusAsked status:
                terminal.ShowSystem(ChatSentences.Status(status));
                break;
            case UnknownCommand unknown:
                terminal.ShowWarning(ChatSentences.UnknownCommand(unknown));
                break;
            case CommandMisused misused:
                terminal.ShowWarning(ChatSentences.CommandMisused(misused));
                break;
            case OfferAnswerFailed failed:
                terminal.ShowWarning(ChatSentences.OfferAnswerFailed(failed));
                break;
            case TransferProgressed progress:
                _progress.Show(progress);
                break;
            case ProgressCleared:
                _progress.Clear();
                break;
            case EarlierConversationLost lost:
                foreach (string line in ConnectionSentences.EarlierConversationLost(lost))
                {
                    terminal.ShowWarning(line);
                }

                break;
            case ConnectionEvent connection:
                (string text, bool warning) = ConnectionSentences.Of(connection);
                if (warning)
                {
                    terminal.ShowWarning(text);
                }
                else
                {
                    terminal.ShowSystem(text);
                }

                break;
            case FileEvent file when FileSentences.Of(file) is { } sentence:
                if (sentence.Warning)
                {
                    terminal.ShowWarning(sentence.Text);
                }
                else
                {
                    terminal.ShowSystem(sentence.Text);
                }

                break;
        }
    }
}
