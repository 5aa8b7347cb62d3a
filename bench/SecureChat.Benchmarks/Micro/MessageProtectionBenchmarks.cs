// Message protection alone (SecureChat.Crypto): AES-256-CBC then the suite's MAC, padded to the
// 160-byte bucket as records are, into caller-owned buffers. This is the floor under the record layer.
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Protection;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Seal and open of one message with <see cref="MessageProtection"/>.</summary>
[MemoryDiagnoser]
public class MessageProtectionBenchmarks
{
    private static readonly byte[] AssociatedData = new byte[13];
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(MessageProtection.KeySize);
    private MessageProtection _protection = null!;
    private byte[] _plaintext = [];
    private byte[] _sealed = [];
    private byte[] _opened = [];

    /// <summary>The suite.</summary>
    [Params(MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256)]
    public MessageSuite Suite { get; set; }

    /// <summary>The plaintext size: a chat line, or the largest message.</summary>
    [Params(100, 65536)]
    public int Bytes { get; set; }

    /// <summary>Makes the protection, a plaintext and its sealed form.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _protection = MessageProtection.Create(Suite, MessageProtection.DefaultPaddingBucket);
        _plaintext = RandomNumberGenerator.GetBytes(Bytes);
        _sealed = new byte[_protection.GetSealedLength(Bytes)];
        _protection.Seal(_key, AssociatedData, _plaintext, _sealed);
        _opened = new byte[_sealed.Length];
    }

    /// <summary>Seals the plaintext (fresh random IV each time).</summary>
    [Benchmark]
    public byte[] Seal()
    {
        _protection.Seal(_key, AssociatedData, _plaintext, _sealed);
        return _sealed;
    }

    /// <summary>Checks the tag and decrypts.</summary>
    [Benchmark]
    public int Open() => _protection.TryOpen(_key, AssociatedData, _sealed, _opened, out int written)
        ? written
        : throw new CryptographicException("The benchmark's own message did not open.");
}
