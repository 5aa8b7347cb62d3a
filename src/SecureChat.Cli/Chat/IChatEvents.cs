namespace SecureChat.Cli.Chat;

/// <summary>Where the chat core publishes its events: a view, or a test that records them.</summary>
public interface IChatEvents
{
    /// <summary>Shows <paramref name="chatEvent"/>; called from the chat's threads, so it must be thread-safe.</summary>
    void Publish(ChatEvent chatEvent);
}
