// The user's input while no conversation runs: User1 waiting for a caller, User2 reconnecting (issue 17
// items 1 and 2). Nothing typed then is ignored until the next caller: commands that need no peer answer at
// once (/quit leaves now), and a plain line goes into the conversation kept for a dropped peer, visibly
// queued, or, when none is kept, is refused with the reason: a line typed for nobody in particular is never
// handed to whoever calls next. Whoever else needs the input (a conversation, the trust question) holds it,
// and the reading stops until every hold is released, so that no line goes to two readers.
namespace SecureChat.Cli.Chat;

/// <summary>Where a line typed while not connected goes: a conversation kept for its peer's return, if any.</summary>
/// <param name="Conversation">The conversation the line joins.</param>
/// <param name="Peer">The peer it waits for.</param>
public sealed record QueueTarget(ChatState Conversation, string Peer);

/// <summary>Reads input while no conversation runs, and stops whenever something else holds the input.</summary>
public sealed class IdleInput : IDisposable
{
    private readonly IChatInput _input;
    private readonly IChatEvents _events;
    private readonly IdleActivity _activity;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _quit = new();
    private Func<QueueTarget?> _target = () => null;
    private CancellationTokenSource? _reading;
    private Task _loop = Task.CompletedTask;
    private int _holds;
    private bool _started;

    /// <summary>Reads <paramref name="input"/> and answers through <paramref name="events"/>, while the app is <paramref name="activity"/>.</summary>
    public IdleInput(IChatInput input, IChatEvents events, IdleActivity activity)
    {
        _input = input;
        _events = events;
        _activity = activity;
    }

    /// <summary>Cancelled when the user asked to leave (/quit, or the end of input) while not connected.</summary>
    public CancellationToken QuitToken => _quit.Token;

    /// <summary>Whether the user asked to leave while not connected.</summary>
    public bool QuitAsked => _quit.IsCancellationRequested;

    /// <summary>Where lines typed now are queued; null: refused.</summary>
    public Func<QueueTarget?> Target
    {
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _target = value;
        }
    }

    /// <summary>Starts reading (unless held).</summary>
    public void Start()
    {
        lock (_gate)
        {
            _started = true;
            StartLocked();
        }
    }

    /// <summary>Stops reading until the returned hold is disposed; waits until no read is under way.</summary>
    public async Task<IDisposable> HoldAsync()
    {
        Task stopped;
        lock (_gate)
        {
            _holds++;
            _reading?.Cancel();
            stopped = _loop;
        }

        await stopped.ConfigureAwait(false);
        return new Hold(this);
    }

    /// <summary>Stops reading for good.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _started = false;
            _reading?.Cancel();
        }
    }

    /// <summary>Stops reading and releases the tokens.</summary>
    public void Dispose()
    {
        Stop();
        _quit.Dispose();
        _reading?.Dispose();
    }

    private void Release()
    {
        lock (_gate)
        {
            _holds--;
            StartLocked();
        }
    }

    private void StartLocked()
    {
        if (!_started || _holds > 0 || !_loop.IsCompleted || _quit.IsCancellationRequested)
        {
            return;
        }

        _reading?.Dispose();
        _reading = new CancellationTokenSource();
        CancellationToken token = _reading.Token;
        _loop = Task.Run(() => ReadAsync(token), CancellationToken.None);
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ChatInput? input;
            try
            {
                input = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // held, or stopped: the line not yet typed goes to whoever reads next
            }

            if (!Answer(input))
            {
                await _quit.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Acts on one input; false when the user leaves.</summary>
    private bool Answer(ChatInput? input)
    {
        switch (input)
        {
            case null or CommandInput { Command.Verb: CommandVerb.Quit }:
                return false;
            case CommandInput { Command.Verb: CommandVerb.Help }:
                _events.Publish(new HelpAsked());
                break;
            case CommandInput { Command.Verb: CommandVerb.Status }:
                QueueTarget? kept = _target();
                _events.Publish(new IdleStatus(_activity, kept?.Conversation.Conversation.Unsent.Count ?? 0));
                break;
            case CommandInput { Command: { Verb: CommandVerb.Unknown } unknown }:
                _events.Publish(new UnknownCommand(unknown.Typed));
                break;
            case CommandInput { Command: var command }:
                _events.Publish(new CommandNeedsPeer(command.Typed));
                break;
            case TextInput { Text: var text }:
                if (_target() is { } target)
                {
                    target.Conversation.Conversation.KeepUnsent(text); // sent first when the peer is back; listed if it never is
                    _events.Publish(new LineQueued(text, target.Peer, QueuedUntil.PeerReturns));
                }
                else
                {
                    _events.Publish(new LineNotQueued(text));
                }

                break;
        }

        return true;
    }

    private sealed class Hold(IdleInput owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
