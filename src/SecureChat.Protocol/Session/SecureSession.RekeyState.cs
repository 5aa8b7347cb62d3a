// The values a rekey works with (docs/protocol.md, "Rekey"): the shared secret dh ‖ kem, the context
// hash of the four public values, our own rekey under way, and our answer to the peer's.
using System.Security.Cryptography;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    /// <summary>dh ‖ kem, 64 bytes; a bad P-256 point is the peer's violation.</summary>
    private static Secret AgreeRekeySecret(EphemeralKeyPair ours, byte[] theirs, Func<Secret> kem)
    {
        using Secret dh = HandshakeFields.Agree(ours, theirs);
        using Secret kemSecret = kem();
        byte[] joined = [.. dh.Span, .. kemSecret.Span];
        try
        {
            return Secret.Copy(joined);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(joined);
        }
    }

    /// <summary>SHA-256(E_s ‖ ek_s ‖ E_a ‖ ct_a): binds the new chains to this rekey's public values.</summary>
    private static byte[] RekeyContext(ReadOnlySpan<byte> starterEphemeral, ReadOnlySpan<byte> kemKey, ReadOnlySpan<byte> answererEphemeral, ReadOnlySpan<byte> ciphertext)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(starterEphemeral);
        hash.AppendData(kemKey);
        hash.AppendData(answererEphemeral);
        hash.AppendData(ciphertext);
        return hash.GetHashAndReset();
    }

    /// <summary>Our started rekey: its private keys, and who waits for it.</summary>
    private sealed class PendingRekey(EphemeralKeyPair ephemeral, MlKem768DecapsulationKey kemKey) : IDisposable
    {
        public EphemeralKeyPair Ephemeral { get; } = ephemeral;

        public MlKem768DecapsulationKey KemKey { get; } = kemKey;

        public long StartedAt { get; } = Environment.TickCount64;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed once the <c>rekey</c> record is whole on the wire (or could not be written).</summary>
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            Ephemeral.Dispose();
            KemKey.Dispose();
        }
    }

    /// <summary>Our answer to the peer's rekey, and the secret both our chains take from it.</summary>
    private sealed class RekeyAnswer(InnerMessage reply, Secret secret, byte[] context) : IDisposable
    {
        public InnerMessage Reply { get; } = reply;

        public Secret Secret { get; } = secret;

        public byte[] Context { get; } = context;

        /// <summary>Our own dropped rekey's callers, who are served by this answer.</summary>
        public TaskCompletionSource? Completes { get; set; }

        /// <summary>A copy for the receiving chain, which the pump mixes in later.</summary>
        public RekeyAnswer ForReceiving() => new(Reply, Secret.Copy(Secret.Span), Context);

        public void Dispose() => Secret.Dispose();
    }
}
