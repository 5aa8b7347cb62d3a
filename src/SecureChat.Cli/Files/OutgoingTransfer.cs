// A file we offer, as a state machine (like the handshake's): hashed, offered, sending, sent (awaiting
// the peer's verdict), interrupted by a dropped connection (offered again after a reconnect), finished.
// A step out of turn is refused, so a second accept of the same offer cannot start a second sender.
namespace SecureChat.Cli.Files;

/// <summary>Where an offer of ours stands.</summary>
internal enum OutgoingState
{
    /// <summary>Its SHA-256 is being computed; nothing has gone out.</summary>
    Hashing,

    /// <summary>Offered in this session (it has an id); waiting for the peer's answer.</summary>
    Offered,

    /// <summary>Accepted; chunks are going out.</summary>
    Sending,

    /// <summary>Every chunk went out; waiting for the peer to verify it.</summary>
    Sent,

    /// <summary>The session ended first: offered again when a new session carries the conversation.</summary>
    Interrupted,

    /// <summary>Verified, refused, or given up: nothing more happens.</summary>
    Finished,
}

/// <summary>A file we offer: kept until it is verified, refused, or we give up.</summary>
internal sealed class OutgoingTransfer(string path, string name, long size) : IDisposable
{
    private CancellationTokenSource _stop = new();

    public string Path { get; } = path;

    /// <summary>
    /// The file's own name, as offered: the receiver makes its safe name from it (SafeFileName). Only a
    /// lone surrogate (possible in a Windows name) is replaced, by U+FFFD, since an offer is well-formed text.
    /// </summary>
    public string OfferedName { get; } = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(name));

    /// <summary>The file's name here, as it is (a view makes it safe to print).</summary>
    public string Name { get; } = name;

    public long Size { get; } = size;

    public byte[] Sha256 { get; set; } = [];

    /// <summary>What the receiver confirmed holding, while it is being sent (its <c>progress</c> reports), for the bar.</summary>
    public TransferProgress? Progress { get; set; }

    /// <summary>Where it stands; changed only through the methods below, under the caller's lock.</summary>
    public OutgoingState State { get; private set; } = OutgoingState.Hashing;

    /// <summary>Our id for the offer in the current session (null between sessions).</summary>
    public ulong? Id { get; private set; }

    public bool Finished => State == OutgoingState.Finished;

    public CancellationToken StopToken => _stop.Token;

    /// <summary>Offered in this session as <paramref name="id"/>: from hashing, or again after an interruption.</summary>
    public void Offered(ulong id)
    {
        if (State is OutgoingState.Hashing or OutgoingState.Interrupted)
        {
            Id = id;
            State = OutgoingState.Offered;
        }
    }

    /// <summary>The peer accepted: true if this offer was waiting for that (so one sender starts, once).</summary>
    public bool TryStartSending()
    {
        if (State != OutgoingState.Offered)
        {
            return false;
        }

        State = OutgoingState.Sending;
        return true;
    }

    /// <summary>The last chunk went out.</summary>
    public void Sent()
    {
        if (State == OutgoingState.Sending)
        {
            State = OutgoingState.Sent;
        }
    }

    /// <summary>The session ended: the sender stops and the id is forgotten (ids are per session).</summary>
    public void Interrupt()
    {
        if (State != OutgoingState.Finished)
        {
            Stop();
            Id = null;
            State = OutgoingState.Interrupted;
        }
    }

    /// <summary>Nothing more happens to it.</summary>
    public void Finish() => State = OutgoingState.Finished;

    public void Stop() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    /// <summary>A fresh stop signal for the next offer of it.</summary>
    public void Restart()
    {
        if (_stop.IsCancellationRequested)
        {
            _stop.Dispose();
            _stop = new CancellationTokenSource();
        }
    }
}
