// The chat core's events on the screen. A message of ours appears with the sending mark and turns to ✓ in
// place when the peer's receipt covers it (no separate "delivered" line); the connection's changes go to the
// status line as well as the pane. Everything else reads as in the other views: the same ChatSentences.
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views.Screen;

public sealed partial class ScreenView
{
    /// <inheritdoc />
    public void Publish(ChatEvent chatEvent)
    {
        ArgumentNullException.ThrowIfNull(chatEvent);
        switch (chatEvent)
        {
            case MessageShown { Own: true } own:
                ShowOwn(own.At, own.Name, own.Text);
                break;
            case MessageShown { LateSentAt: { } sentAt } late:
                ShowIncomingLate(late.At, sentAt, late.Name, late.Text);
                break;
            case MessageShown incoming:
                ShowIncoming(incoming.At, incoming.Name, incoming.Text);
                break;
            case DeliveredThrough delivered:
                OnUiThread(() => _screen.MarkDelivered(delivered.Count));
                break;
            case Reconnected reconnected:
                ShowConnection(ConnectionState.Connected);
                ShowSystem(ChatSentences.Reconnected(reconnected));
                break;
            case PeerLeft left:
                if (_listener)
                {
                    // The next caller may be someone else: the status line forgets this peer.
                    OnUiThread(() => _screen.Status = new ScreenStatus(ConnectionState.WaitingForCaller, Queued: _screen.Status.Queued));
                }
                else
                {
                    ShowConnection(ConnectionState.Disconnected);
                }

                ShowSystem(ChatSentences.PeerLeft(left));
                KeepForTerminal(new ChatLine(LineKind.System, ChatSentences.PeerLeft(left))); // it may be why the app ends
                break;
            case SessionFailed failed:
                ShowConnection(ConnectionState.Disconnected);
                ShowWarning(ChatSentences.SessionFailed(failed));
                KeepForTerminal(new ChatLine(LineKind.Warning, ChatSentences.SessionFailed(failed)));
                break;
            case AwaitingPeerConfirmation awaiting:
                // Our side accepted; until the peer's user does, the status line says whom we wait for.
                OnUiThread(() => _screen.Status = _screen.Status with { Connection = ConnectionState.WaitingForPeerToConfirm, Peer = awaiting.Peer });
                Sentences.Publish(chatEvent);
                break;
            case Connected:
                ShowConnection(ConnectionState.Connected);
                Sentences.Publish(chatEvent);
                break;
            case TrustQuestionAsked asked:
                foreach (string line in ChatSentences.TrustQuestionInBox(asked))
                {
                    ShowSystem(line); // the question stays in the pane, the box asks it
                }

                AskInBox(asked);
                break;
            case TrustQuestionWithdrawn:
                WithdrawBox(); // the caller left: the box closes itself
                Sentences.Publish(chatEvent);
                break;
            case Listening:
                ShowConnection(ConnectionState.WaitingForCaller);
                Sentences.Publish(chatEvent);
                break;
            case ConnectionLostReconnecting:
                ShowConnection(ConnectionState.Reconnecting);
                Sentences.Publish(chatEvent);
                break;
            case ReconnectAttemptFailed failedAttempt:
                ShowConnection(ConnectionState.Reconnecting, failedAttempt.Attempt);
                Sentences.Publish(chatEvent);
                break;
            case WeLeft:
                StartLeaving();
                ShowConnection(ConnectionState.Disconnected);
                ShowSystem(ChatSentences.WeLeft);
                break;
            default:
                Sentences.Publish(chatEvent);
                break;
        }
    }

    /// <summary>The other views' sentences, shown on this screen.</summary>
    private TerminalView Sentences => _sentences ??= new TerminalView(this);
}
