// The few ways a secure session can fail, each its own type so that callers (and the console front end's
// exit codes) can tell them apart without reading messages:
//   IntegrityException         authentication or integrity failed (possible attack)
//   ProtocolViolationException malformed or unexpected input
//   SessionTimeoutException    the peer stalled or went silent
//   ConnectionLostException    the transport ended early (including a cut without goodbye)
//   IdentityRefusedException   our trust decision refused the peer
//   PeerAbortedException       the peer ended the session and said why (unauthenticated)
namespace SecureChat.Protocol.Errors;

/// <summary>The base of every failure of a secure session.</summary>
public abstract class SessionException : Exception
{
    /// <summary>Creates the exception with a message that says what failed.</summary>
    protected SessionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    protected SessionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// A new exception of the same type and message with this one inside: a session's first failure is
    /// stored and every later call fails with it, and throwing the stored instance again from other threads
    /// would rewrite its stack trace (npgsql throws a new one around its break reason the same way).
    /// </summary>
    internal abstract SessionException Again();
}
