namespace SecureChat.Protocol.Errors;

/// <summary>
/// The generic reasons an <c>abort</c> frame may give. Deliberately coarse: the side that detects a
/// failure tells the other at most which phase failed, never which check, so an attacker learns nothing
/// from probing.
/// </summary>
public enum AbortReason
{
    /// <summary>A reason this implementation does not know.</summary>
    Unspecified = 0,

    /// <summary>The handshake failed a check (authentication, confirmation, format).</summary>
    HandshakeFailed,

    /// <summary>The established session failed a check.</summary>
    SessionFailed,

    /// <summary>The sender gave up waiting.</summary>
    Timeout,

    /// <summary>The listener is already in a conversation.</summary>
    Busy,

    /// <summary>The sender's user or trust policy refused this peer.</summary>
    Refused,

    /// <summary>The sender does not speak the offered protocol version.</summary>
    UnsupportedVersion,

    /// <summary>No offered message suite is acceptable to the sender.</summary>
    NoCommonSuite,
}
