namespace SecureChat.Protocol.Session;

/// <summary>
/// The plaintext inside a record: <c>{"kind":…}</c> with the fields that kind takes (docs/protocol.md,
/// "Inner messages"). Absent fields are left out on the wire.
/// </summary>
/// <param name="Kind">text, receipt, ping, pong or bye.</param>
/// <param name="Id">text: the message id, 1, 2, 3… in this session and direction.</param>
/// <param name="SentAt">text: the sender's clock, Unix milliseconds.</param>
/// <param name="Text">text: the message.</param>
/// <param name="Through">receipt: every text with an id up to this one has arrived.</param>
internal sealed record InnerMessage(string Kind, ulong? Id = null, long? SentAt = null, string? Text = null, ulong? Through = null)
{
    public const string TextKind = "text";
    public const string ReceiptKind = "receipt";
    public const string PingKind = "ping";
    public const string PongKind = "pong";
    public const string ByeKind = "bye";
}
