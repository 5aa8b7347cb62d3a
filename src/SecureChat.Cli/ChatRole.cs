namespace SecureChat.Cli;

/// <summary>Which end of the conversation an app is.</summary>
public enum ChatRole
{
    /// <summary>User1: listens for the other person and answers the handshake.</summary>
    Listener,

    /// <summary>User2: connects to the listener and starts the handshake.</summary>
    Connector,
}
