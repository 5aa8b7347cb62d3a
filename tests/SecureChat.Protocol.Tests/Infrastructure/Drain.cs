using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>Reads a session's events until they end or fail, keeping what arrived.</summary>
internal static class Drain
{
    public sealed record Result(List<string> Texts, List<SessionEvent> Events, Exception? Failure);

    public static async Task<Result> EventsAsync(SecureSession session, TimeSpan? timeout = null)
    {
        var texts = new List<string>();
        var events = new List<SessionEvent>();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await foreach (SessionEvent e in session.ReadEventsAsync(cancel.Token))
            {
                events.Add(e);
                if (e is MessageReceived m)
                {
                    texts.Add(m.Text);
                }
            }

            return new Result(texts, events, null);
        }
        catch (Exception e)
        {
            return new Result(texts, events, e);
        }
    }

    /// <summary>Reads events until a text arrives.</summary>
    public static async Task<MessageReceived> NextTextAsync(IAsyncEnumerator<SessionEvent> events)
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            if (events.Current is MessageReceived m)
            {
                return m;
            }
        }

        throw new InvalidOperationException("The events ended before a text arrived.");
    }

    /// <summary>Reads events until <paramref name="count"/> texts have arrived; returns how many did.</summary>
    public static async Task<int> TextsAsync(SecureSession session, int count)
    {
        int texts = 0;
        await foreach (SessionEvent e in session.ReadEventsAsync())
        {
            if (e is MessageReceived && ++texts == count)
            {
                break;
            }
        }

        return texts;
    }

    /// <summary>Reads events until a receipt covers <paramref name="through"/>; returns the id it confirmed.</summary>
    public static async Task<ulong> DeliveredAsync(SecureSession session, ulong through)
    {
        await foreach (SessionEvent e in session.ReadEventsAsync())
        {
            if (e is MessagesDelivered d && d.ThroughId >= through)
            {
                return d.ThroughId;
            }
        }

        throw new InvalidOperationException("The events ended before the receipt arrived.");
    }
}
