// Checks shared by both sides on the fields of a peer's hello. Each failure is a protocol violation
// with a sentence that says which field was wrong; nothing here is secret.
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Handshake;

internal static class HandshakeFields
{
    public const int NonceSize = 32;

    public static void CheckVersion(int version)
    {
        if (version != ProtocolVersion.Current)
        {
            throw new ProtocolViolationException($"The peer speaks protocol version {version}; this program speaks version {ProtocolVersion.Current}.");
        }
    }

    public static void CheckNonce(byte[] nonce)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ProtocolViolationException($"The peer's nonce is {nonce.Length} bytes, not {NonceSize}.");
        }
    }

    public static void CheckEphemeral(byte[] ephemeral)
    {
        if (ephemeral.Length != EphemeralKeyPair.PublicKeySize)
        {
            throw new ProtocolViolationException($"The peer's ephemeral key is {ephemeral.Length} bytes, not {EphemeralKeyPair.PublicKeySize}.");
        }
    }

    public static void CheckName(string name)
    {
        if (!PeerName.IsValid(name))
        {
            throw new ProtocolViolationException("The peer's name is empty, too long, or has control or formatting characters.");
        }
    }

    public static IdentityPublicKey ParseIdentity(byte[] identity)
    {
        try
        {
            return IdentityPublicKey.FromSubjectPublicKeyInfo(identity);
        }
        catch (InvalidKeyException e)
        {
            throw new ProtocolViolationException($"The peer's identity key is not acceptable: {e.Message}", e);
        }
    }

    /// <summary>Wraps our secret to the peer's key; a key that parses but cannot encrypt (say, an even modulus) is the peer's fault.</summary>
    public static byte[] Wrap(HandshakeEntropy entropy, IdentityPublicKey recipient, ReadOnlySpan<byte> secret)
    {
        try
        {
            return entropy.Wrap(recipient, secret);
        }
        catch (InvalidKeyException e)
        {
            throw new ProtocolViolationException($"The peer's identity key is not acceptable: {e.Message}", e);
        }
    }

    public static Crypto.Secrets.Secret Agree(EphemeralKeyPair ours, byte[] theirs)
    {
        try
        {
            return ours.DeriveSharedSecret(theirs);
        }
        catch (InvalidKeyException e)
        {
            throw new ProtocolViolationException($"The peer's ephemeral key is not acceptable: {e.Message}", e);
        }
    }

    public static void CheckState<TState>(TState actual, TState expected, string operation)
        where TState : struct, Enum
    {
        if (!EqualityComparer<TState>.Default.Equals(actual, expected))
        {
            throw new InvalidOperationException($"{operation} is out of turn: the handshake is in state {actual}, not {expected}.");
        }
    }
}
