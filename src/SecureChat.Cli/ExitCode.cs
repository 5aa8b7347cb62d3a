namespace SecureChat.Cli;

/// <summary>
/// The process exit codes, documented in the README and in <c>--help</c>. Values follow sysexits.h where
/// one fits, so scripts can tell a network problem from an attack.
/// </summary>
public static class ExitCode
{
    /// <summary>The conversation ended normally and everything sent was delivered.</summary>
    public const int Success = 0;

    /// <summary>Bad usage: an unknown option, a bad value, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>Nobody listening, the connection lost, or the peer silent past the timeout (EX_UNAVAILABLE).</summary>
    public const int ConnectionFailed = 69;

    /// <summary>The identity key file is unreadable or too open, or a PSK or known-peers file cannot be read (EX_CONFIG).</summary>
    public const int Configuration = 78;

    /// <summary>Some sent messages were never confirmed delivered; they are listed on stderr (EX_TEMPFAIL).</summary>
    public const int Undelivered = 75;

    /// <summary>The peer broke the protocol (EX_PROTOCOL).</summary>
    public const int ProtocolError = 76;

    /// <summary>
    /// Authentication or integrity failed: a changed or refused key, a pinned fingerprint that did not
    /// match, a wrong pre-shared key, a tampered message (EX_NOPERM).
    /// </summary>
    public const int AuthenticationFailed = 77;

    /// <summary>An internal error: a defect in SecureChat itself ended the conversation; it is reported on stderr (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>The table for <c>--help</c> and the README.</summary>
    public static string Table =>
        """
        Exit codes:
          0   the conversation ended normally and everything sent was delivered
          2   bad usage
          69  could not connect, the connection was lost, or the peer went silent
          70  an internal error (a defect in SecureChat; please report it)
          75  some messages were never confirmed delivered (they are listed)
          76  the peer broke the protocol
          77  authentication failed: changed or refused key, pin mismatch, wrong pre-shared key, tampering
          78  the identity key file is unreadable or too open, or a PSK or known-peers file cannot be read
        """;
}
