using SecureChat.Crypto;
using SecureChat.Protocol.Errors;

namespace SecureChat.Cli;

/// <summary>One plain sentence and one exit code for each way a conversation can fail; never a stack trace.</summary>
public static class Failures
{
    /// <summary>The exit code for <paramref name="failure"/>.</summary>
    public static int ExitCodeFor(Exception failure) => failure switch
    {
        IntegrityException or IdentityRefusedException => ExitCode.AuthenticationFailed,
        PeerAbortedException { Reason: AbortReason.HandshakeFailed or AbortReason.Refused or AbortReason.SessionFailed } => ExitCode.AuthenticationFailed,
        ProtocolViolationException => ExitCode.ProtocolError,
        KeyFileException or Trust.KnownPeersException => ExitCode.Configuration,
        _ => ExitCode.ConnectionFailed,
    };

    /// <summary>What happened and what to do, in a sentence or two.</summary>
    public static string Describe(Exception failure, string peerName) => failure switch
    {
        IntegrityException => $"A message or handshake from {peerName} failed its integrity check, so the conversation was ended: someone may be tampering with the connection, or the pre-shared keys differ. ({failure.Message})",
        IdentityRefusedException => $"The conversation was refused: {failure.Message}",
        PeerAbortedException { Reason: AbortReason.Busy } => $"{peerName} is busy in another conversation; try again later.",
        PeerAbortedException aborted => $"{peerName} ended the conversation: {AbortReasons.Describe(aborted.Reason)}",
        ProtocolViolationException => $"{peerName} broke the protocol, so the conversation was ended. ({failure.Message})",
        SessionTimeoutException { SlowLink: true } => $"The link to {peerName} is slow: its answer was still arriving when the time ran out. ({failure.Message}) Try again, or allow more time with --handshake-timeout.",
        SessionTimeoutException => $"{peerName} stopped answering. ({failure.Message}) Check the network and try again.",
        ConnectionLostException => $"The connection to {peerName} was lost. ({failure.Message})",
        _ => failure.Message,
    };
}
