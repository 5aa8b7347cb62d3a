using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Derivation;

namespace SecureChat.Benchmarks.Micro;

/// <summary>One step of the symmetric ratchet: two HMAC-SHA256 and one HKDF-SHA256 expansion.</summary>
[MemoryDiagnoser]
public class RatchetBenchmarks : IDisposable
{
    private readonly ChainKey _chain = new(RandomNumberGenerator.GetBytes(ChainKey.Size));
    private readonly byte[] _messageKey = new byte[ChainKey.MessageKeySize];

    /// <summary>Derives the next message key and forgets the previous chain key.</summary>
    [Benchmark]
    public byte[] Step()
    {
        _chain.Next(_messageKey);
        return _messageKey;
    }

    /// <summary>Wipes the chain.</summary>
    public void Dispose()
    {
        _chain.Dispose();
        GC.SuppressFinalize(this);
    }
}
