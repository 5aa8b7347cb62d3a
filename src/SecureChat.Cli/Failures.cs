// The one place that decides how a failure ends a run: its exit code (ExitCode, documented in --help and the
// README), whether another attempt could succeed, and the plain sentence the user sees. Every exit code
// other than success is chosen here; callers classify what they caught and act on the answer.
using System.Net.Sockets;
using SecureChat.Cli.Views;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Trust;
using SecureChat.Crypto;
using SecureChat.Protocol.Errors;

namespace SecureChat.Cli;

/// <summary>How one failure ends the run.</summary>
/// <param name="ExitCode">The process exit code (<see cref="Cli.ExitCode"/>).</param>
/// <param name="Retryable">Whether another attempt could succeed: nobody listening, busy, a lost connection; never a refused or failed check.</param>
/// <param name="Sentence">What happened and what to do, in a sentence or two; never a stack trace.</param>
public sealed record Failure(int ExitCode, bool Retryable, string Sentence);

/// <summary>One plain sentence and one exit code for each way a run can fail.</summary>
public static class Failures
{
    /// <summary>The exit code of a run in which nothing failed (a command done, --version, a listener stopped).</summary>
    public const int Success = ExitCode.Success;

    /// <summary>
    /// Classifies <paramref name="failure"/>; <paramref name="peerName"/> names the other side in the sentence.
    /// An exception no layer documents is a defect of ours: exit 70, with a request to report it.
    /// </summary>
    public static Failure Classify(Exception failure, string peerName = "the peer")
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            OperationCanceledException => new(ExitCode.Success, false, "Stopped."),
            IntegrityException => new(ExitCode.AuthenticationFailed, false,
                $"A message or handshake from {peerName} failed its integrity check, so the conversation was ended: someone may be tampering with the connection, or the pre-shared keys differ. ({failure.Message})"),
            IdentityRefusedException => new(ExitCode.AuthenticationFailed, false, $"The conversation was refused: {failure.Message}"),
            PeerAbortedException { Reason: AbortReason.Busy } => new(ExitCode.ConnectionFailed, true, $"{peerName} is busy in another conversation; try again later."),
            PeerAbortedException { Reason: AbortReason.Refused } => new(ExitCode.AuthenticationFailed, false,
                $"{peerName} refused the connection: it refused our identity (its user answered no, or it expects another key)."),
            PeerAbortedException { Reason: AbortReason.HandshakeFailed or AbortReason.SessionFailed } aborted =>
                new(ExitCode.AuthenticationFailed, false, $"{peerName} ended the conversation: {AbortReasons.Describe(aborted.Reason)}"),
            PeerAbortedException aborted => new(ExitCode.ConnectionFailed, aborted.Reason == AbortReason.Timeout, $"{peerName} ended the conversation: {AbortReasons.Describe(aborted.Reason)}"),
            ProtocolViolationException => new(ExitCode.ProtocolError, false, $"{peerName} broke the protocol, so the conversation was ended. ({failure.Message})"),
            SessionTimeoutException { SlowLink: true } => new(ExitCode.ConnectionFailed, true,
                $"The link to {peerName} is slow: its answer was still arriving when the time ran out. ({failure.Message}) Try again, or allow more time with --handshake-timeout."),
            SessionTimeoutException => new(ExitCode.ConnectionFailed, true, $"{peerName} stopped answering. ({failure.Message}) Check the network and try again."),
            ConnectionLostException => new(ExitCode.ConnectionFailed, true, $"The connection to {peerName} was lost. ({failure.Message})"),
            Network.UnreachableException => new(ExitCode.ConnectionFailed, true, failure.Message),
            IOException or SocketException => new(ExitCode.ConnectionFailed, true, $"The connection to {peerName} was lost. ({failure.Message})"),
            UsageException => new(ExitCode.Usage, false, failure.Message),
            ConfigurationException or KeyFileException or KnownPeersException or UnauthorizedAccessException => new(ExitCode.Configuration, false, failure.Message),
            SessionException => new(ExitCode.ConnectionFailed, false, failure.Message),
            _ => new(ExitCode.InternalError, false,
                $"An internal error ended the conversation ({failure.GetType().Name}: {SafeText.ForTerminal(failure.Message)}). This is a defect in SecureChat; please report it with the output of --verbosity debug."),
        };
    }

    /// <summary>The sentence for <paramref name="failure"/> (as <see cref="Classify"/>).</summary>
    public static string Describe(Exception failure, string peerName) => Classify(failure, peerName).Sentence;

    /// <summary>
    /// How a conversation's end maps to an exit code, for the chat loop's outcome: its failure if any; else
    /// messages never confirmed delivered exit 75, unless the user stopped it (Ctrl+C keeps its code).
    /// </summary>
    public static int ForEnding(Exception? failure, bool undelivered, bool stoppedByUser = false) =>
        failure is not null ? Classify(failure).ExitCode
        : undelivered && !stoppedByUser ? ExitCode.Undelivered
        : ExitCode.Success;

    /// <summary>
    /// A run that ended with <paramref name="exitCode"/> and then listed lines never sent: a success becomes
    /// exit 75 (unless the user stopped it); any other code is kept.
    /// </summary>
    public static int WithUndelivered(int exitCode, bool stoppedByUser) =>
        exitCode == ExitCode.Success && !stoppedByUser ? ExitCode.Undelivered : exitCode;

    /// <summary>The command line could not be parsed; <paramref name="sentence"/> says where to look.</summary>
    public static Failure BadUsage(string sentence) => new(ExitCode.Usage, false, sentence);
}
