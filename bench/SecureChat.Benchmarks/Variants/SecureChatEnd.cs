using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Variants;

/// <summary>A conversation end over a <see cref="SecureSession"/>: its messages and receipts, nothing added.</summary>
internal sealed partial class SecureChatEnd : IConversationEnd
{
    private readonly SecureSession _session;
    private readonly IAsyncEnumerator<SessionEvent> _events;

    /// <summary>Takes over <paramref name="session"/>.</summary>
    public SecureChatEnd(SecureSession session)
    {
        _session = session;
        _events = session.ReadEventsAsync().GetAsyncEnumerator();
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(string text) => await _session.SendAsync(text).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<Arrival> ReceiveAsync()
    {
        while (await _events.MoveNextAsync().ConfigureAwait(false))
        {
            switch (_events.Current)
            {
                case MessageReceived message:
                    return new Arrival(ArrivalKind.Text, message.Id);
                case MessagesDelivered delivered:
                    return new Arrival(ArrivalKind.Receipt, delivered.ThroughId);
                case PeerClosed:
                    return Arrival.Closed;
                default:
                    continue; // a clock-skew notice: nothing to measure
            }
        }

        return Arrival.Closed;
    }

    /// <summary>
    /// Closes without a goodbye: the measurements are over by then, and both ends go together. The event
    /// enumerator is not disposed: a receiver may still be inside it, and it ends once the session has.
    /// </summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
