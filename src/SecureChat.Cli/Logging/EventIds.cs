// The event ids of the console front end's log lines: fixed, so that a log filter or an alert keyed on
// one keeps working when messages are reworded. A new line takes the next number; none is ever reused.
namespace SecureChat.Cli.Logging;

/// <summary>The event id of each log line of <see cref="Log"/>.</summary>
internal static class EventIds
{
    /// <summary>Listening on Endpoint.</summary>
    public const int Listening = 1;

    /// <summary>Connection from Remote.</summary>
    public const int Accepted = 2;

    /// <summary>Handshake with Remote failed (FailureClass): Reason.</summary>
    public const int HandshakeFailed = 3;

    /// <summary>Refused Remote: already in a conversation.</summary>
    public const int Busy = 4;

    /// <summary>Session established with PeerFingerprint using Suite.</summary>
    public const int Established = 5;

    /// <summary>Session ended: Outcome.</summary>
    public const int Ended = 6;

    /// <summary>Session failure detail.</summary>
    public const int FailureDetail = 7;

    /// <summary>Connecting to Host:Port (attempt Attempt).</summary>
    public const int Connecting = 8;

    /// <summary>Sent message Id (Bytes bytes).</summary>
    public const int Sent = 9;

    /// <summary>Received message Id (Bytes bytes).</summary>
    public const int Received = 10;

    /// <summary>Created identity key Fingerprint in Path.</summary>
    public const int KeyCreated = 11;

    /// <summary>Dropped Remote, which had sent no hello, to make room: Capacity callers were already waiting.</summary>
    public const int MadeRoom = 12;

    /// <summary>File transfer Direction File: Outcome (Bytes bytes).</summary>
    public const int Transfer = 13;

    /// <summary>Conversation resumed: Resent texts resent.</summary>
    public const int Resumed = 14;

    /// <summary>Turned away Remote: too many failed handshakes from its address (wrong pre-shared key guesses?).</summary>
    public const int GuessesLimited = 15;

    /// <summary>Failed handshake from Remote counted against its address.</summary>
    public const int GuessCounted = 16;
}
