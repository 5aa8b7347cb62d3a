namespace SecureChat.Cli.Network;

/// <summary>
/// The listener's one conversation: claimed when a caller is trusted, before any prompt, so that a second
/// caller finishing its handshake meanwhile is turned away rather than asked about.
/// </summary>
internal sealed class ConversationSlot
{
    private int _taken;

    /// <summary>Whether a conversation holds (or is being decided for) the slot.</summary>
    public bool IsTaken => Volatile.Read(ref _taken) == 1;

    /// <summary>Claims the slot; false when it is taken.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _taken, 1, 0) == 0;

    /// <summary>Frees the slot: the conversation ended, or its caller was refused.</summary>
    public void Release() => Volatile.Write(ref _taken, 0);
}
