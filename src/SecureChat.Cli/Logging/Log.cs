// Every log line the console front end writes, with fixed event ids. Logs carry endpoints, sizes,
// fingerprints and failure classes, never key bytes, pre-shared keys or message text.
using System.Net;
using Microsoft.Extensions.Logging;

namespace SecureChat.Cli.Logging;

internal static partial class Log
{
    [LoggerMessage(EventIds.Listening, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(EventIds.Accepted, LogLevel.Information, "Connection from {Remote}")]
    public static partial void Accepted(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventIds.HandshakeFailed, LogLevel.Information, "Handshake with {Remote} failed ({FailureClass}): {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string failureClass, string reason);

    [LoggerMessage(EventIds.Busy, LogLevel.Information, "Refused {Remote}: already in a conversation")]
    public static partial void Busy(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventIds.Established, LogLevel.Information, "Session established with {PeerFingerprint} using {Suite}")]
    public static partial void Established(ILogger logger, string peerFingerprint, string suite);

    [LoggerMessage(EventIds.Ended, LogLevel.Information, "Session ended: {Outcome}")]
    public static partial void Ended(ILogger logger, string outcome);

    [LoggerMessage(EventIds.FailureDetail, LogLevel.Debug, "Session failure detail")]
    public static partial void FailureDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.Connecting, LogLevel.Information, "Connecting to {Host}:{Port} (attempt {Attempt})")]
    public static partial void Connecting(ILogger logger, string host, int port, int attempt);

    [LoggerMessage(EventIds.Sent, LogLevel.Debug, "Sent message {Id} ({Bytes} bytes)")]
    public static partial void Sent(ILogger logger, ulong id, int bytes);

    [LoggerMessage(EventIds.Received, LogLevel.Debug, "Received message {Id} ({Bytes} bytes)")]
    public static partial void Received(ILogger logger, ulong id, int bytes);

    [LoggerMessage(EventIds.KeyCreated, LogLevel.Information, "Created identity key {Fingerprint} in {Path}")]
    public static partial void KeyCreated(ILogger logger, string fingerprint, string path);

    [LoggerMessage(EventIds.MadeRoom, LogLevel.Information, "Dropped {Remote}, which had sent no hello, to make room: {Capacity} callers were already waiting")]
    public static partial void MadeRoom(ILogger logger, EndPoint? remote, int capacity);

    [LoggerMessage(EventIds.Transfer, LogLevel.Information, "File transfer {Direction} {File}: {Outcome} ({Bytes} bytes)")]
    public static partial void Transfer(ILogger logger, string direction, ulong file, string outcome, long bytes);

    [LoggerMessage(EventIds.Resumed, LogLevel.Information, "Conversation resumed: {Resent} texts resent")]
    public static partial void Resumed(ILogger logger, int resent);

    [LoggerMessage(EventIds.GuessesLimited, LogLevel.Warning, "Turned away {Remote}: too many failed handshakes from its address (wrong pre-shared key guesses?)")]
    public static partial void GuessesLimited(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventIds.GuessCounted, LogLevel.Information, "Failed handshake from {Remote} counted against its address")]
    public static partial void GuessCounted(ILogger logger, EndPoint? remote);
}
