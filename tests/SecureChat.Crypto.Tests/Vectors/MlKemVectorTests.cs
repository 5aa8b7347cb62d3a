using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;
using SecureChat.Crypto.Tests.Agreement;

namespace SecureChat.Crypto.Tests.Vectors;

/// <summary>
/// Wycheproof's three ML-KEM-768 files (558 cases; SOURCE.md beside them) through our API, once per
/// implementation: key generation from seeds d ‖ z (ek and the expanded dk compared), decapsulation
/// including implicit rejection of tampered and random ciphertexts, and encapsulation with fixed
/// randomness m. Invalid seeds and ciphertexts (wrong lengths) must be refused with ArgumentException
/// before any work; invalid encapsulation keys (wrong length, coefficients not reduced mod q) with
/// InvalidKeyException at import.
/// </summary>
public sealed class MlKemVectorTests(ITestOutputHelper output)
{
    private const string KeyGenFile = "mlkem_768_keygen_seed_test.json";
    private const string DecapsulationFile = "mlkem_768_test.json";
    private const string EncapsulationFile = "mlkem_768_encaps_test.json";

    [VectorFact]
    public void Wycheproof_MlKem768KeyGenFromSeed_BouncyCastle_AllCasesBehave() => KeyGen(MlKemBackend.BouncyCastle);

    [PlatformMlKemVectorFact]
    public void Wycheproof_MlKem768KeyGenFromSeed_Platform_AllCasesBehave() => KeyGen(MlKemBackend.Platform);

    [VectorFact]
    public void Wycheproof_MlKem768Decapsulation_BouncyCastle_AllCasesBehave() => Decapsulation(MlKemBackend.BouncyCastle);

    [PlatformMlKemVectorFact]
    public void Wycheproof_MlKem768Decapsulation_Platform_AllCasesBehave() => Decapsulation(MlKemBackend.Platform);

    [VectorFact]
    public void Wycheproof_MlKem768Encapsulation_BouncyCastle_AllCasesBehave() => Encapsulation(MlKemBackend.BouncyCastle);

    [PlatformMlKemVectorFact]
    public void Wycheproof_MlKem768Encapsulation_Platform_AllCasesBehave() => Encapsulation(MlKemBackend.Platform);

    private void KeyGen(MlKemBackend backend)
    {
        var (cases, declared) = VectorFile.ReadWycheproof(KeyGenFile);
        var tally = new VectorTally($"{KeyGenFile} via {backend}", declared);
        foreach (WycheproofCase c in cases)
        {
            using var key = MlKem768DecapsulationKey.FromSeed(c.Bytes("seed"), backend);
            byte[] dk = new byte[MlKem768.DecapsulationKeySize];
            key.ExportDecapsulationKey(dk);
            tally.Expect(
                c.IsValid && key.EncapsulationKey.Matches(c.Bytes("ek")) && dk.AsSpan().SequenceEqual(c.Bytes("dk")),
                c,
                "ek or dk differs from the expected encoding");
        }

        tally.AssertComplete(output);
    }

    private void Decapsulation(MlKemBackend backend)
    {
        var (cases, declared) = VectorFile.ReadWycheproof(DecapsulationFile);
        var tally = new VectorTally($"{DecapsulationFile} via {backend}", declared);
        foreach (WycheproofCase c in cases)
        {
            byte[]? shared = null;
            bool keyMatches = true;
            string? refusal = null;
            try
            {
                using var key = MlKem768DecapsulationKey.FromSeed(c.Bytes("seed"), backend);
                keyMatches = !c.Test.TryGetProperty("ek", out _) || key.EncapsulationKey.Matches(c.Bytes("ek"));
                using Secret secret = key.Decapsulate(c.Bytes("c"));
                shared = secret.Span.ToArray();
            }
            catch (ArgumentException e)
            {
                refusal = e.Message;
            }

            if (c.IsValid)
            {
                tally.Expect(shared is not null && keyMatches && shared.AsSpan().SequenceEqual(c.Bytes("K")), c, refusal ?? "wrong key or shared secret");
            }
            else
            {
                tally.Expect(refusal is not null, c, "a seed or ciphertext of the wrong length was used");
            }
        }

        tally.AssertComplete(output);
    }

    private void Encapsulation(MlKemBackend backend)
    {
        var (cases, declared) = VectorFile.ReadWycheproof(EncapsulationFile);
        var tally = new VectorTally($"{EncapsulationFile} via {backend}", declared);
        foreach (WycheproofCase c in cases)
        {
            byte[] ciphertext = new byte[MlKem768.CiphertextSize];
            byte[] shared = new byte[MlKem768.SharedSecretSize];
            bool encapsulated = false;
            string? refusal = null;
            try
            {
                var key = MlKem768EncapsulationKey.Import(c.Bytes("ek"));
                if (!key.TryEncapsulate(c.Bytes("m"), ciphertext, shared, backend))
                {
                    tally.NotApplicable($"{backend} takes no fixed encapsulation randomness m");
                    continue;
                }

                encapsulated = true;
            }
            catch (InvalidKeyException e)
            {
                refusal = e.Message;
            }

            if (c.IsValid)
            {
                tally.Expect(
                    encapsulated && ciphertext.AsSpan().SequenceEqual(c.Bytes("c")) && shared.AsSpan().SequenceEqual(c.Bytes("K")),
                    c,
                    refusal ?? "wrong ciphertext or shared secret");
            }
            else
            {
                tally.Expect(refusal is not null, c, "an invalid encapsulation key was accepted");
            }
        }

        tally.AssertComplete(output);
    }
}
