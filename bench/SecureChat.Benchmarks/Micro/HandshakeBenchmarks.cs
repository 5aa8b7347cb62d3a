// One handshake's CPU cost, side by side, with RSA-3072 identities: the state machines of
// Protocol/Handshake do no I/O, so they are driven in memory. Each step is measured on its own, since a
// step consumes what the peer's previous step made; its setup drives a fresh pair of state machines up
// to that step. A side's cost is the sum of its steps:
//   initiator = CreateHello + ReadHelloAndCreateFinish + ReadFinish
//   responder = ReadHelloAndCreateHello + ReadFinishAndCreateFinish
// and BothSides runs a whole handshake, as a check on the sum.
using BenchmarkDotNet.Attributes;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Benchmarks.Micro;

/// <summary>The handshake's steps, one per benchmark.</summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks : IDisposable
{
    private static readonly MessageSuite[] Suites = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256];
    private IdentityKey? _initiatorKey;
    private IdentityKey? _responderKey;
    private InitiatorHandshake? _initiator;
    private ResponderHandshake? _responder;
    private byte[] _frame1 = [];
    private byte[] _frame2 = [];
    private byte[] _frame3 = [];
    private byte[] _frame4 = [];
    private HandshakeResult? _result;

    /// <summary>Makes the two RSA-3072 identities.</summary>
    [GlobalSetup]
    public void MakeIdentities()
    {
        _initiatorKey = IdentityKey.Generate();
        _responderKey = IdentityKey.Generate();
    }

    /// <summary>Fresh state machines, nothing sent (BothSides drives them all the way).</summary>
    [IterationSetup(Targets = [nameof(InitiatorCreateHello), nameof(BothSides)])]
    public void Fresh() => Begin(steps: 0);

    /// <summary>Frame 1 made.</summary>
    [IterationSetup(Target = nameof(ResponderReadHelloAndCreateHello))]
    public void AfterFrame1() => Begin(steps: 1);

    /// <summary>Frames 1 and 2 made.</summary>
    [IterationSetup(Target = nameof(InitiatorReadHelloAndCreateFinish))]
    public void AfterFrame2() => Begin(steps: 2);

    /// <summary>Frames 1 to 3 made.</summary>
    [IterationSetup(Target = nameof(ResponderReadFinishAndCreateFinish))]
    public void AfterFrame3() => Begin(steps: 3);

    /// <summary>Frames 1 to 4 made.</summary>
    [IterationSetup(Target = nameof(InitiatorReadFinish))]
    public void AfterFrame4() => Begin(steps: 4);

    /// <summary>Initiator, step 1: nonce, ephemeral P-256 key, frame 1.</summary>
    [Benchmark]
    public byte[] InitiatorCreateHello() => _frame1 = _initiator!.CreateHello();

    /// <summary>Responder, step 1: parse frame 1, ECDH, wrap its secret to the initiator (RSA public), frame 2.</summary>
    [Benchmark]
    public byte[] ResponderReadHelloAndCreateHello() => _frame2 = _responder!.ReadHelloAndCreateHello(new Frame(_frame1));

    /// <summary>Initiator, step 2: parse frame 2, ECDH, unwrap (RSA private), wrap its own secret, keys, frame 3.</summary>
    [Benchmark]
    public byte[] InitiatorReadHelloAndCreateFinish() => _frame3 = _initiator!.ReadHelloAndCreateFinish(new Frame(_frame2));

    /// <summary>Responder, step 2: unwrap (RSA private), keys, check confirmation, safety number, frame 4.</summary>
    [Benchmark]
    public byte[] ResponderReadFinishAndCreateFinish()
    {
        (_frame4, _result) = _responder!.ReadFinishAndCreateFinish(new Frame(_frame3));
        return _frame4;
    }

    /// <summary>Initiator, step 3: check confirmation, safety number, chains.</summary>
    [Benchmark]
    public object InitiatorReadFinish() => _result = _initiator!.ReadFinish(new Frame(_frame4));

    /// <summary>A whole handshake, both sides in turn.</summary>
    [Benchmark]
    public object BothSides()
    {
        Advance(steps: 4);
        return _result = _initiator!.ReadFinish(new Frame(_frame4));
    }

    /// <summary>Releases the state machines and the chains of the last iteration.</summary>
    [IterationCleanup]
    public void EndIteration()
    {
        _initiator?.Dispose();
        _responder?.Dispose();
        _result?.Dispose();
        _initiator = null;
        _responder = null;
        _result = null;
    }

    /// <summary>Wipes the identities.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        EndIteration();
        _initiatorKey?.Dispose();
        _responderKey?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>New state machines (the last iteration's were released by its cleanup), driven through the first <paramref name="steps"/> frames.</summary>
    private void Begin(int steps)
    {
        _initiator = new InitiatorHandshake(_initiatorKey!, "initiator", Suites, preSharedKey: null, HandshakeEntropy.System);
        _responder = new ResponderHandshake(_responderKey!, "responder", Suites, preSharedKey: null, HandshakeEntropy.System);
        Advance(steps);
    }

    private void Advance(int steps)
    {
        if (steps >= 1)
        {
            _frame1 = _initiator!.CreateHello();
        }

        if (steps >= 2)
        {
            _frame2 = _responder!.ReadHelloAndCreateHello(new Frame(_frame1));
        }

        if (steps >= 3)
        {
            _frame3 = _initiator!.ReadHelloAndCreateFinish(new Frame(_frame2));
        }

        if (steps >= 4)
        {
            (_frame4, _result) = _responder!.ReadFinishAndCreateFinish(new Frame(_frame3));
        }
    }
}
