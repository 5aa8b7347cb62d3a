namespace SecureChat.Benchmarks.Variants;

/// <summary>What <see cref="IConversationEnd.ReceiveAsync"/> can return.</summary>
internal enum ArrivalKind
{
    /// <summary>A chat message from the peer.</summary>
    Text,

    /// <summary>The peer's receipt for our messages.</summary>
    Receipt,

    /// <summary>The conversation ended (the peer left, or we closed).</summary>
    Closed,
}

/// <summary>One thing the peer sent: a message with its id, or a receipt with the highest id it covers.</summary>
/// <param name="Kind">What arrived.</param>
/// <param name="Number">The message id, or the id a receipt runs through; 0 when closed.</param>
internal readonly record struct Arrival(ArrivalKind Kind, ulong Number)
{
    /// <summary>The end of the conversation.</summary>
    public static Arrival Closed { get; } = new(ArrivalKind.Closed, 0);
}
