// The safety number of two RSA-3072 identities (2 × 5200 SHA-512): both handshake roles compute it in
// their last step, before the trust decision, so it sits on the handshake's critical path twice.
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Identity;

namespace SecureChat.Benchmarks.Micro;

/// <summary><see cref="SafetyNumber.Compute"/> on its own.</summary>
[MemoryDiagnoser]
public class SafetyNumberBenchmarks : IDisposable
{
    private IdentityKey? _first;
    private IdentityKey? _second;

    /// <summary>Makes the two RSA-3072 identities.</summary>
    [GlobalSetup]
    public void MakeIdentities()
    {
        _first = IdentityKey.Generate();
        _second = IdentityKey.Generate();
    }

    /// <summary>Both halves of the 60 digits.</summary>
    [Benchmark]
    public SafetyNumber Compute() => SafetyNumber.Compute(_first!.PublicKey, _second!.PublicKey);

    /// <summary>Wipes the identities.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _first?.Dispose();
        _second?.Dispose();
        GC.SuppressFinalize(this);
    }
}
