using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Records every chat event published to it; a test waits for the event it expects (no sleeps).</summary>
internal sealed class EventLog : IChatEvents
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Lock _gate = new();
    private readonly List<ChatEvent> _events = [];
    private readonly List<(Func<bool> Done, TaskCompletionSource Found)> _waiters = [];

    public IReadOnlyList<ChatEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The events of type <typeparamref name="T"/> published so far.</summary>
    public IReadOnlyList<T> Of<T>()
        where T : ChatEvent => [.. Events.OfType<T>()];

    public void Publish(ChatEvent chatEvent)
    {
        lock (_gate)
        {
            _events.Add(chatEvent);
            foreach (var waiter in _waiters.Where(w => w.Done()).ToList())
            {
                waiter.Found.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until an event of type <typeparamref name="T"/> matching <paramref name="match"/> has been published.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : ChatEvent
    {
        await WaitForCountAsync(match, 1);
        return Of<T>().First(e => match is null || match(e));
    }

    /// <summary>Waits until <paramref name="count"/> events of type <typeparamref name="T"/> matching <paramref name="match"/> have been published.</summary>
    public async Task WaitForCountAsync<T>(Func<T, bool>? match, int count)
        where T : ChatEvent
    {
        bool Done() => _events.OfType<T>().Count(e => match is null || match(e)) >= count;
        var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Done())
            {
                return;
            }

            _waiters.Add((Done, found));
        }

        try
        {
            await found.Task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {count} {typeof(T).Name} matching were published. Published:\n{string.Join("\n", Events)}");
        }
    }
}
