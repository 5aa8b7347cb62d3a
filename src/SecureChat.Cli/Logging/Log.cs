// Every log line the console front end writes, with fixed event ids. Logs carry endpoints, sizes,
// fingerprints and failure classes, never key bytes, pre-shared keys or message text.
using System.Net;
using Microsoft.Extensions.Logging;

namespace SecureChat.Cli.Logging;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(2, LogLevel.Information, "Connection from {Remote}")]
    public static partial void Accepted(ILogger logger, EndPoint? remote);

    [LoggerMessage(3, LogLevel.Information, "Handshake with {Remote} failed ({FailureClass}): {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string failureClass, string reason);

    [LoggerMessage(4, LogLevel.Information, "Refused {Remote}: already in a conversation")]
    public static partial void Busy(ILogger logger, EndPoint? remote);

    [LoggerMessage(5, LogLevel.Information, "Session established with {PeerFingerprint} using {Suite}")]
    public static partial void Established(ILogger logger, string peerFingerprint, string suite);

    [LoggerMessage(6, LogLevel.Information, "Session ended: {Outcome}")]
    public static partial void Ended(ILogger logger, string outcome);

    [LoggerMessage(7, LogLevel.Debug, "Session failure detail")]
    public static partial void FailureDetail(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Connecting to {Host}:{Port} (attempt {Attempt})")]
    public static partial void Connecting(ILogger logger, string host, int port, int attempt);

    [LoggerMessage(9, LogLevel.Debug, "Sent message {Id} ({Bytes} bytes)")]
    public static partial void Sent(ILogger logger, ulong id, int bytes);

    [LoggerMessage(10, LogLevel.Debug, "Received message {Id} ({Bytes} bytes)")]
    public static partial void Received(ILogger logger, ulong id, int bytes);

    [LoggerMessage(11, LogLevel.Information, "Created identity key {Fingerprint} in {Path}")]
    public static partial void KeyCreated(ILogger logger, string fingerprint, string path);

    [LoggerMessage(12, LogLevel.Information, "Dropped {Remote}, which had sent no hello, to make room: {Capacity} callers were already waiting")]
    public static partial void MadeRoom(ILogger logger, EndPoint? remote, int capacity);

    [LoggerMessage(13, LogLevel.Information, "File transfer {Direction} {File}: {Outcome} ({Bytes} bytes)")]
    public static partial void Transfer(ILogger logger, string direction, ulong file, string outcome, long bytes);

    [LoggerMessage(14, LogLevel.Information, "Conversation resumed: {Resent} texts resent")]
    public static partial void Resumed(ILogger logger, int resent);

    [LoggerMessage(15, LogLevel.Warning, "Turned away {Remote}: too many failed handshakes from its address (wrong pre-shared key guesses?)")]
    public static partial void GuessesLimited(ILogger logger, EndPoint? remote);

    [LoggerMessage(16, LogLevel.Information, "Failed handshake from {Remote} counted against its address")]
    public static partial void GuessCounted(ILogger logger, EndPoint? remote);
}
