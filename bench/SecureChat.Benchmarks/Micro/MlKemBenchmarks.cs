// ML-KEM-768 (issue 18): the three operations the hybrid handshake adds. The initiator generates a key
// pair and later decapsulates; the responder encapsulates (which includes checking the peer's key).
// The implementation measured is the one this process chooses: the platform's MLKem where it is
// supported, BouncyCastle's otherwise; the report's ImplementationName column says which.
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Key generation, encapsulation and decapsulation of ML-KEM-768.</summary>
[MemoryDiagnoser]
public class MlKemBenchmarks : IDisposable
{
    private readonly byte[] _ciphertext = new byte[MlKem768.CiphertextSize];
    private readonly byte[] _scratch = new byte[MlKem768.CiphertextSize];
    private readonly byte[] _sharedSecret = new byte[MlKem768.SharedSecretSize];
    private MlKem768DecapsulationKey? _key;
    private byte[] _encapsulationKey = [];

    /// <summary>Which implementation ran (shown as a parameter column in the report).</summary>
    [ParamsSource(nameof(Implementations))]
    public string ImplementationName { get; set; } = MlKem768.Implementation;

    /// <summary>The one implementation this process uses.</summary>
    public static IEnumerable<string> Implementations => [MlKem768.Implementation];

    /// <summary>Makes one key pair and one ciphertext for it.</summary>
    [GlobalSetup]
    public void MakeKey()
    {
        _key = MlKem768DecapsulationKey.Generate();
        _encapsulationKey = _key.EncapsulationKey.Encoded.ToArray();
        using Secret unused = _key.EncapsulationKey.Encapsulate(_ciphertext);
    }

    /// <summary>A fresh key pair (the initiator, once per handshake).</summary>
    [Benchmark]
    public void KeyGen()
    {
        using var key = MlKem768DecapsulationKey.Generate();
    }

    /// <summary>The responder: check the peer's encapsulation key (FIPS 203 input checks), then encapsulate.</summary>
    [Benchmark]
    public void Encapsulate() =>
        MlKem768EncapsulationKey.Import(_encapsulationKey).Encapsulate(_scratch, _sharedSecret);

    /// <summary>The initiator: decapsulate the responder's ciphertext.</summary>
    [Benchmark]
    public void Decapsulate() => _key!.Decapsulate(_ciphertext, _sharedSecret);

    /// <summary>Releases the key pair.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _key?.Dispose();
        GC.SuppressFinalize(this);
    }
}
