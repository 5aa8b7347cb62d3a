namespace SecureChat.Protocol.Framing;

/// <summary>
/// <c>{"type":"abort","reason":"…"}</c>: the last frame a side sends when it ends a session on a failure.
/// Unauthenticated and deliberately generic (see <see cref="Errors.AbortReason"/>).
/// </summary>
/// <param name="Reason">A wire name from <see cref="Errors.AbortReasons"/>.</param>
internal sealed record AbortFrame(string Reason)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "abort";

    /// <summary><c>abort</c>; checked before parsing.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
