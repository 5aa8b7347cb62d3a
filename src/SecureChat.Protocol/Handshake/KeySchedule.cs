// The key schedule of protocol version 2 (docs/protocol.md, "Key schedule"), a hybrid combiner: the
// ECDH secret and the ML-KEM secret both enter one HKDF-Extract, so the keys stay secret while either
// P-256 or ML-KEM-768 holds (the concatenation combiner of TLS 1.3's X25519MLKEM768 and OpenSSH's
// mlkem768x25519, with the transcript binding both public values through TH3 and TH4).
//   psk_key  = HKDF-Extract(salt = "securechat psk", IKM = PSK)     or 32 zero bytes without a PSK
//   prk      = HKDF-Extract(salt = nonce_i ‖ nonce_r, IKM = dh ‖ kem ‖ secret_r ‖ secret_i ‖ psk_key)
//   fk_i     = ExpandLabel(prk, "initiator finished", TH3, 32)      confirm_i = HMAC-SHA256(fk_i, TH3)
//   fk_r     = ExpandLabel(prk, "responder finished", TH4, 32)      confirm_r = HMAC-SHA256(fk_r, TH4)
//   chain_ir = ExpandLabel(prk, "initiator chain", TH4, 32)         chain_ri = ExpandLabel(prk, "responder chain", TH4, 32)
// TH3 and TH4 are SHA-256 over frames 1–3 and 1–4 exactly as sent, length prefixes included.
using System.Security.Cryptography;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Protocol.Handshake;

/// <summary>Derives the confirmation keys and the two ratchet chains from the handshake's secrets.</summary>
internal sealed class KeySchedule : IDisposable
{
    public const int SecretSize = 32;

    private static readonly byte[] PskSalt = "securechat psk"u8.ToArray();

    private readonly Secret _prk;

    private KeySchedule(Secret prk) => _prk = prk;

    /// <summary>The 32-byte key a pre-shared key of any length contributes (zeros without one).</summary>
    public static void DerivePskKey(Secret? preSharedKey, Span<byte> pskKey)
    {
        if (preSharedKey is null)
        {
            pskKey.Clear();
        }
        else
        {
            KeyDerivation.Extract(preSharedKey.Span, PskSalt, pskKey);
        }
    }

    public static KeySchedule Create(
        ReadOnlySpan<byte> sharedSecret,
        ReadOnlySpan<byte> kemSecret,
        ReadOnlySpan<byte> responderSecret,
        ReadOnlySpan<byte> initiatorSecret,
        Secret? preSharedKey,
        ReadOnlySpan<byte> initiatorNonce,
        ReadOnlySpan<byte> responderNonce)
    {
        Span<byte> ikm = stackalloc byte[5 * SecretSize];
        Span<byte> salt = stackalloc byte[initiatorNonce.Length + responderNonce.Length];
        try
        {
            sharedSecret.CopyTo(ikm);
            kemSecret.CopyTo(ikm[SecretSize..]);
            responderSecret.CopyTo(ikm[(2 * SecretSize)..]);
            initiatorSecret.CopyTo(ikm[(3 * SecretSize)..]);
            DerivePskKey(preSharedKey, ikm[(4 * SecretSize)..]);
            initiatorNonce.CopyTo(salt);
            responderNonce.CopyTo(salt[initiatorNonce.Length..]);
            return new KeySchedule(KeyDerivation.ExtractSecret(ikm, salt));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>The pseudorandom key, for the deterministic example's test only.</summary>
    internal ReadOnlySpan<byte> Prk => _prk.Span;

    public byte[] InitiatorConfirmation(ReadOnlySpan<byte> th2) => Confirmation("initiator finished", th2);

    public byte[] ResponderConfirmation(ReadOnlySpan<byte> th3) => Confirmation("responder finished", th3);

    /// <summary>Writes a 32-byte labelled key; for the chains and the deterministic example.</summary>
    public void DeriveKey(string label, ReadOnlySpan<byte> transcriptHash, Span<byte> key) =>
        KeyDerivation.ExpandLabel(_prk.Span, label, transcriptHash, key);

    /// <summary>The ratchet chain for records the initiator sends (<paramref name="initiatorToResponder"/>) or receives.</summary>
    public ChainKey CreateChain(bool initiatorToResponder, ReadOnlySpan<byte> th3)
    {
        Span<byte> key = stackalloc byte[ChainKey.Size];
        try
        {
            DeriveKey(initiatorToResponder ? "initiator chain" : "responder chain", th3, key);
            return new ChainKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public void Dispose() => _prk.Dispose();

    private byte[] Confirmation(string label, ReadOnlySpan<byte> transcriptHash)
    {
        Span<byte> finishedKey = stackalloc byte[SecretSize];
        try
        {
            DeriveKey(label, transcriptHash, finishedKey);
            byte[] tag = new byte[MacAlgorithm.TagSize];
            MacAlgorithm.HmacSha256.Compute(finishedKey, transcriptHash, tag);
            return tag;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(finishedKey);
        }
    }
}
