// What both sides of the handshake do alike: parse the frame the peer was due to send, check the fields
// of its hello, agree, wrap and unwrap. Each failure says which field or step failed; nothing here is
// secret.
using System.Text.Json.Serialization.Metadata;
using SecureChat.Crypto;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

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

    /// <summary>The type check of FIPS 203 section 7.2 on the length; the modulus check runs in <see cref="ImportKemKey"/>.</summary>
    public static void CheckKemKey(byte[] key)
    {
        if (key.Length != MlKem768.EncapsulationKeySize)
        {
            throw new ProtocolViolationException($"The peer's ML-KEM-768 encapsulation key is {key.Length} bytes, not {MlKem768.EncapsulationKeySize}.");
        }
    }

    public static void CheckKemCiphertext(byte[] ciphertext)
    {
        if (ciphertext.Length != MlKem768.CiphertextSize)
        {
            throw new ProtocolViolationException($"The peer's ML-KEM-768 ciphertext is {ciphertext.Length} bytes, not {MlKem768.CiphertextSize}.");
        }
    }

    /// <summary>Imports the peer's encapsulation key with the FIPS 203 input checks: a key that fails them is the peer's violation.</summary>
    public static MlKem768EncapsulationKey ImportKemKey(byte[] key)
    {
        try
        {
            return MlKem768EncapsulationKey.Import(key);
        }
        catch (InvalidKeyException e)
        {
            throw new ProtocolViolationException($"The peer's ML-KEM-768 encapsulation key is not acceptable: {e.Message}", e);
        }
    }

    public static void CheckName(string name)
    {
        if (PeerName.Problem(name) is { } problem)
        {
            throw new ProtocolViolationException($"The peer's name {PeerText.Quote(name)} is refused: {problem}");
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

    public static Secret Agree(EphemeralKeyPair ours, byte[] theirs)
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

    /// <summary>Parses the frame the <paramref name="sender"/> was due to send, refusing any other type.</summary>
    public static T Parse<T>(Frame frame, string type, string sender, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        string actual = FrameJson.ReadType(frame.Payload.Span);
        if (actual != type)
        {
            throw new ProtocolViolationException($"Expected the {sender}'s {type} frame, got {PeerText.Quote(actual)}.");
        }

        return FrameJson.Parse(frame.Payload.Span, typeInfo);
    }

    /// <summary>Unwraps the secret the <paramref name="sender"/> wrapped to our key; failing is an integrity failure.</summary>
    public static Secret Unwrap(IdentityKey identity, byte[] wrapped, string sender)
    {
        try
        {
            return identity.Unwrap(wrapped);
        }
        catch (AuthenticationFailedException e)
        {
            throw new IntegrityException(
                $"The secret the {sender} wrapped to our identity key did not unwrap: the frame was changed, or it was wrapped to another key (someone in between?).", e);
        }
    }

    /// <summary>
    /// Runs one step of a handshake; on any failure runs <paramref name="fail"/> (enter Failed, wipe). What the
    /// peer's frame can make a step throw is a <see cref="SessionException"/> (the parsers and field checks turn
    /// their findings into one) or a key the crypto library refused (<see cref="InvalidKeyException"/>,
    /// <see cref="AuthenticationFailedException"/>): those are the peer's doing. Any other exception is a
    /// defect of ours and propagates unchanged, so that it is reported as one rather than blamed on the peer.
    /// </summary>
    public static T Guard<T>(Func<T> step, Action fail)
    {
        try
        {
            return step();
        }
        catch (SessionException)
        {
            fail();
            throw;
        }
        catch (Exception e) when (e is InvalidKeyException or AuthenticationFailedException)
        {
            fail();
            throw new ProtocolViolationException($"The peer's frame could not be handled ({e.GetType().Name}).", e);
        }
        catch
        {
            fail();
            throw;
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
