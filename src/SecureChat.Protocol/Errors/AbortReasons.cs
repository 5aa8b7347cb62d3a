namespace SecureChat.Protocol.Errors;

/// <summary>The wire names of <see cref="AbortReason"/> values and their sentences.</summary>
public static class AbortReasons
{
    /// <summary>The name an abort frame carries for <paramref name="reason"/>.</summary>
    public static string ToWireName(AbortReason reason) => reason switch
    {
        AbortReason.HandshakeFailed => "handshake-failed",
        AbortReason.SessionFailed => "session-failed",
        AbortReason.Timeout => "timeout",
        AbortReason.Busy => "busy",
        AbortReason.Refused => "refused",
        AbortReason.UnsupportedVersion => "unsupported-version",
        AbortReason.NoCommonSuite => "no-common-suite",
        _ => "unspecified",
    };

    /// <summary>The reason named <paramref name="wireName"/>; a name this version does not know is <see cref="AbortReason.Unspecified"/>.</summary>
    public static AbortReason FromWireName(string wireName) => wireName switch
    {
        "handshake-failed" => AbortReason.HandshakeFailed,
        "session-failed" => AbortReason.SessionFailed,
        "timeout" => AbortReason.Timeout,
        "busy" => AbortReason.Busy,
        "refused" => AbortReason.Refused,
        "unsupported-version" => AbortReason.UnsupportedVersion,
        "no-common-suite" => AbortReason.NoCommonSuite,
        _ => AbortReason.Unspecified,
    };

    /// <summary>A sentence for people.</summary>
    public static string Describe(AbortReason reason) => reason switch
    {
        AbortReason.HandshakeFailed => "the handshake failed on its side (a wrong pre-shared key, a changed frame, or someone in between).",
        AbortReason.SessionFailed => "a record failed its checks on its side.",
        AbortReason.Timeout => "it gave up waiting for us.",
        AbortReason.Busy => "it is already in a conversation; try again later.",
        AbortReason.Refused => "it refused our identity.",
        AbortReason.UnsupportedVersion => "it does not speak our protocol version.",
        AbortReason.NoCommonSuite => "it accepts none of the message suites we offered.",
        _ => "no reason given.",
    };
}
