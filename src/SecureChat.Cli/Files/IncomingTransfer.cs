// A file the peer offers, as a state machine: offered (waiting for this user's or the policy's answer),
// receiving (written to a hidden partial file and hashed as it comes), interrupted by a dropped
// connection (the one state that resumes unasked, when the same key offers the same file again), over.
// A step out of turn is refused: only an offer still waiting can be accepted.
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Cli.Files;

/// <summary>Where an offer from the peer stands.</summary>
internal enum IncomingState
{
    /// <summary>Waiting for an answer; nothing is written.</summary>
    Offered,

    /// <summary>Accepted: chunks are written and hashed.</summary>
    Receiving,

    /// <summary>Accepted, then cut off by a dropped connection: the one state that resumes unasked.</summary>
    Interrupted,

    /// <summary>Refused, withdrawn, done or failed: forgotten.</summary>
    Over,
}

/// <summary>A file the peer offers: where it goes, what arrived, and the hash so far.</summary>
internal sealed class IncomingTransfer(ulong id, string peer, string offeredName, string safeName, long size, byte[] sha256)
{
    public ulong Id { get; } = id;

    /// <summary>The sender's key fingerprint (hex): partial files and consent belong to a key, not a name.</summary>
    public string Peer { get; } = peer;

    public string OfferedName { get; } = offeredName;

    public string SafeName { get; } = safeName;

    public long Size { get; } = size;

    public byte[] Sha256 { get; } = sha256;

    public int Number { get; set; }

    /// <summary>Where it stands; changed only through the methods below.</summary>
    public IncomingState State { get; private set; } = IncomingState.Offered;

    public ReceiveFolder? Folder { get; set; }

    public PartialFiles? Partials { get; set; }

    public PartialFile? Partial { get; set; }

    public SafeFileHandle? File { get; set; }

    public IncrementalHash? Hash { get; set; }

    public long Held { get; set; }

    public TransferProgress? Progress { get; set; }

    /// <summary>When we last told the sender how much we hold (a timestamp of the transfers' TimeProvider).</summary>
    public long ReportedAt { get; set; }

    /// <summary>Accepted: from now on its chunks are written.</summary>
    /// <exception cref="InvalidOperationException">It is not an offer waiting for an answer.</exception>
    public void StartReceiving()
    {
        if (State != IncomingState.Offered)
        {
            throw new InvalidOperationException($"The offer of {SafeName} is no longer waiting for an answer.");
        }

        State = IncomingState.Receiving;
    }

    /// <summary>The connection dropped while receiving: the file is closed, the partial file kept for a resume.</summary>
    public void Interrupt()
    {
        if (State == IncomingState.Receiving)
        {
            Close();
            State = IncomingState.Interrupted;
        }
    }

    /// <summary>It is over, whatever it was.</summary>
    public void End() => State = IncomingState.Over;

    public void Close()
    {
        File?.Dispose();
        File = null;
        Hash?.Dispose();
        Hash = null;
    }
}
