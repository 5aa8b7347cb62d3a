namespace SecureChat.Protocol.Session;

/// <summary>
/// The plaintext inside a record: <c>{"kind":…}</c> with the fields that kind takes (docs/protocol.md,
/// "Inner messages"). Absent fields are left out on the wire; <see cref="Present"/> says which are there,
/// so that each kind is checked for exactly its own set.
/// </summary>
/// <param name="Kind">text, receipt, ping, pong, bye, resume, offer, accept, reject, progress, cancel, verified, rekey or rekey-reply (a chunk is no inner message: see <see cref="ChunkPlaintext"/>).</param>
/// <param name="Id">text: the message id, 1, 2, 3… in this conversation and direction.</param>
/// <param name="SentAt">text: the sender's clock, Unix milliseconds.</param>
/// <param name="Text">text: the message.</param>
/// <param name="Through">receipt, resume: every text with an id up to this one has arrived.</param>
/// <param name="Conversation">resume: the conversation's 16-byte id, chosen by the initiator.</param>
/// <param name="First">resume: the lowest text id its sender may still send (its oldest unconfirmed text, or its next id).</param>
/// <param name="File">offer, accept, reject, progress, cancel, verified: the offering side's transfer id.</param>
/// <param name="Name">offer: the file's name as the sender knows it (never a path at the receiver).</param>
/// <param name="Size">offer: the file's size in bytes.</param>
/// <param name="Sha256">offer: the SHA-256 of the whole file.</param>
/// <param name="Offset">accept: the bytes the receiver holds already; progress: the bytes it holds now.</param>
/// <param name="Prefix">accept: the SHA-256 of the first <paramref name="Offset"/> bytes the receiver holds.</param>
/// <param name="Reason">reject, cancel: a short sentence for the other user.</param>
/// <param name="Ephemeral">rekey, rekey-reply: a fresh P-256 public key, 65 bytes uncompressed.</param>
/// <param name="KemKey">rekey: a fresh ML-KEM-768 encapsulation key, 1184 bytes.</param>
/// <param name="KemCiphertext">rekey-reply: the ML-KEM-768 ciphertext to the rekey's <paramref name="KemKey"/>, 1088 bytes.</param>
internal sealed record InnerMessage(
    string Kind,
    ulong? Id = null,
    long? SentAt = null,
    string? Text = null,
    ulong? Through = null,
    byte[]? Conversation = null,
    ulong? First = null,
    ulong? File = null,
    string? Name = null,
    long? Size = null,
    byte[]? Sha256 = null,
    long? Offset = null,
    byte[]? Prefix = null,
    string? Reason = null,
    byte[]? Ephemeral = null,
    byte[]? KemKey = null,
    byte[]? KemCiphertext = null)
{
    public const string TextKind = "text";
    public const string ReceiptKind = "receipt";
    public const string PingKind = "ping";
    public const string PongKind = "pong";
    public const string ByeKind = "bye";
    public const string ResumeKind = "resume";
    public const string OfferKind = "offer";
    public const string AcceptKind = "accept";
    public const string RejectKind = "reject";
    public const string ProgressKind = "progress";
    public const string CancelKind = "cancel";
    public const string VerifiedKind = "verified";
    public const string RekeyKind = "rekey";
    public const string RekeyReplyKind = "rekey-reply";

    /// <summary>Which members are present (not null).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public InnerFields Present =>
        (Id is null ? 0 : InnerFields.Id) | (SentAt is null ? 0 : InnerFields.SentAt) | (Text is null ? 0 : InnerFields.Text)
        | (Through is null ? 0 : InnerFields.Through) | (Conversation is null ? 0 : InnerFields.Conversation)
        | (First is null ? 0 : InnerFields.First) | (File is null ? 0 : InnerFields.File) | (Name is null ? 0 : InnerFields.Name)
        | (Size is null ? 0 : InnerFields.Size) | (Sha256 is null ? 0 : InnerFields.Sha256) | (Offset is null ? 0 : InnerFields.Offset)
        | (Prefix is null ? 0 : InnerFields.Prefix) | (Reason is null ? 0 : InnerFields.Reason)
        | (Ephemeral is null ? 0 : InnerFields.Ephemeral) | (KemKey is null ? 0 : InnerFields.KemKey) | (KemCiphertext is null ? 0 : InnerFields.KemCiphertext);

    /// <summary>The exact set of members each kind carries; null for a kind this version does not know.</summary>
    public static InnerFields? FieldsOf(string kind) => kind switch
    {
        TextKind => InnerFields.Id | InnerFields.SentAt | InnerFields.Text,
        ReceiptKind => InnerFields.Through,
        PingKind or PongKind or ByeKind => InnerFields.None,
        ResumeKind => InnerFields.Conversation | InnerFields.Through | InnerFields.First,
        OfferKind => InnerFields.File | InnerFields.Name | InnerFields.Size | InnerFields.Sha256,
        AcceptKind => InnerFields.File | InnerFields.Offset | InnerFields.Prefix,
        RejectKind or CancelKind => InnerFields.File | InnerFields.Reason,
        ProgressKind => InnerFields.File | InnerFields.Offset,
        VerifiedKind => InnerFields.File,
        RekeyKind => InnerFields.Ephemeral | InnerFields.KemKey,
        RekeyReplyKind => InnerFields.Ephemeral | InnerFields.KemCiphertext,
        _ => null,
    };
}

/// <summary>The members of an inner message, as flags.</summary>
[Flags]
internal enum InnerFields
{
    None = 0,
    Id = 1 << 0,
    SentAt = 1 << 1,
    Text = 1 << 2,
    Through = 1 << 3,
    Conversation = 1 << 4,
    First = 1 << 5,
    File = 1 << 6,
    Name = 1 << 7,
    Size = 1 << 8,
    Sha256 = 1 << 9,
    Offset = 1 << 10,
    Prefix = 1 << 11,
    Reason = 1 << 13,
    Ephemeral = 1 << 14,
    KemKey = 1 << 15,
    KemCiphertext = 1 << 16,
}
