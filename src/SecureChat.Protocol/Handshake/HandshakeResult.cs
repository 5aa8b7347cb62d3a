using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;

namespace SecureChat.Protocol.Handshake;

/// <summary>What a completed handshake hands to the session, once: the peer, the suite and both chains.</summary>
internal sealed class HandshakeResult : IDisposable
{
    public HandshakeResult(Role role, MessageSuite suite, PeerIdentity peer, ChainKey sendChain, ChainKey receiveChain)
    {
        Role = role;
        Suite = suite;
        Peer = peer;
        SendChain = sendChain;
        ReceiveChain = receiveChain;
    }

    public Role Role { get; }

    public MessageSuite Suite { get; }

    public PeerIdentity Peer { get; }

    public ChainKey SendChain { get; }

    public ChainKey ReceiveChain { get; }

    public void Dispose()
    {
        SendChain.Dispose();
        ReceiveChain.Dispose();
    }
}
