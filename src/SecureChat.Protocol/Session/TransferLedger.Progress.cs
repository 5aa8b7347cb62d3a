// The receiver's progress reports (docs/protocol.md, "Files", progress): sent only for a transfer being
// received, each above the last and never beyond what arrived; checked by the sender against what it sent.
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

/// <summary>Progress reports of transfers.</summary>
internal sealed partial class TransferLedger
{
    /// <summary>
    /// Whether our progress report on the peer's file goes out: only while we receive it (not after our
    /// reject or verdict), above our previous report, and within what arrived. Records it if so.
    /// </summary>
    public bool Progress(ulong file, long held)
    {
        lock (_gate)
        {
            if (!_incoming.TryGetValue(file, out Transfer? t) || t.State is not (State.Moving or State.Complete) || held <= t.Reported || held > t.Next)
            {
                return false;
            }

            t.Reported = held;
            return true;
        }
    }

    /// <summary>
    /// The peer's progress on our file: true to report it, false when the transfer is over (it crossed our
    /// cancel). It must move forward and stay within what we sent, which is within the size.
    /// </summary>
    public bool OnProgress(ulong file, long held)
    {
        lock (_gate)
        {
            Transfer t = Remote(_outgoing, file, "reported progress on");
            if (t.State == State.Closed)
            {
                return false;
            }

            if (t.State is not (State.Moving or State.Complete))
            {
                throw new ProtocolViolationException($"The peer reported progress on file {file}, which it has not accepted.");
            }

            if (held <= t.Reported || held > t.Next)
            {
                throw new ProtocolViolationException(
                    $"The peer says it holds {held} bytes of file {file}; a report moves past the previous one ({t.Reported}) and cannot run ahead of the {Math.Max(0, t.Next)} bytes sent.");
            }

            t.Reported = held;
            return true;
        }
    }
}
