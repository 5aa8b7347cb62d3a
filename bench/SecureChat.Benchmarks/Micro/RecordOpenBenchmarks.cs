// The record layer's receiving half: parse the record's JSON, check the sequence number, one ratchet
// step, verify and decrypt, parse the inner message. A record opens only once and only in order, so
// each iteration opens a batch that its setup sealed on a fresh pair of chains.
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Open of one text record with <c>RecordOpener</c>.</summary>
[MemoryDiagnoser]
[InvocationCount(Batch)]
public class RecordOpenBenchmarks : IDisposable
{
    private const int Batch = 512;
    private readonly byte[][] _frames = new byte[Batch][];
    private RecordOpener? _opener;
    private InnerMessage _message = null!;
    private int _next;

    /// <summary>The suite.</summary>
    [Params(MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256)]
    public MessageSuite Suite { get; set; }

    /// <summary>The text size in bytes: a chat line, or the largest message.</summary>
    [Params(100, 65536)]
    public int TextBytes { get; set; }

    /// <summary>Makes the message once.</summary>
    [GlobalSetup]
    public void Setup() => _message = RecordText.Message(TextBytes);

    /// <summary>Seals a batch of records on a fresh chain and readies an opener on the same chain.</summary>
    [IterationSetup]
    public void SealBatch()
    {
        byte[] chainKey = RandomNumberGenerator.GetBytes(ChainKey.Size);
        using (var sealer = new RecordSealer(new ChainKey(chainKey), Suite, Direction.InitiatorToResponder, HandshakeEntropy.System))
        {
            for (int i = 0; i < Batch; i++)
            {
                _frames[i] = sealer.Seal(_message);
            }
        }

        _opener?.Dispose();
        _opener = new RecordOpener(new ChainKey(chainKey), Suite, Direction.InitiatorToResponder);
        CryptographicOperations.ZeroMemory(chainKey);
        _next = 0;
    }

    /// <summary>Opens the next record of the batch (its payload, after the length prefix, as the session has it).</summary>
    [Benchmark]
    public object Open() => _opener!.Open(_frames[_next++].AsSpan(FrameCodec.HeaderSize));

    /// <summary>Wipes the chain.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _opener?.Dispose();
        GC.SuppressFinalize(this);
    }
}
