// The record layer's sending half (SecureChat.Protocol/Session, internal): JSON of the inner message,
// one ratchet step, seal, base64 into the record's JSON, length prefix. Everything SendAsync does per
// message except taking the lock and writing to the socket.
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Seal of one text record with <c>RecordSealer</c>.</summary>
[MemoryDiagnoser]
public class RecordSealBenchmarks : IDisposable
{
    private RecordSealer? _sealer;
    private InnerMessage _message = null!;

    /// <summary>The suite.</summary>
    [Params(MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256)]
    public MessageSuite Suite { get; set; }

    /// <summary>The text size in bytes: a chat line, or the largest message.</summary>
    [Params(100, 65536)]
    public int TextBytes { get; set; }

    /// <summary>Makes a sealer on a fresh chain.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sealer = new RecordSealer(new ChainKey(RandomNumberGenerator.GetBytes(ChainKey.Size)), Suite, Direction.InitiatorToResponder, HandshakeEntropy.System);
        _message = RecordText.Message(TextBytes);
    }

    /// <summary>The whole frame of one text record.</summary>
    [Benchmark]
    public byte[] Seal() => _sealer!.Seal(_message);

    /// <summary>Wipes the chain.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _sealer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
