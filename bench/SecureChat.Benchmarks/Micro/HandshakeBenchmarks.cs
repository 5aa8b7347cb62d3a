// One handshake's CPU cost, side by side, with RSA-3072 identities: the state machines of
// Protocol/Handshake do no I/O, so they are driven in memory. Each step is measured on its own, since a
// step consumes what the peer's previous step made; its setup drives a fresh pair of state machines up
// to that step. A side's cost is the sum of its steps:
//   initiator = CreateHello + ReadHelloAndCreateKey + CreateFinish + ReadFinish
//   responder = ReadHelloAndCreateHello + ReadKey + ReadFinishAndCreateFinish
// On the wire CreateFinish (the initiator's unwrap) and ReadKey (the responder's) run at the same time.
// BothSides runs a whole handshake, as a check on the sum.
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
    private byte[] _frame5 = [];
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
    [IterationSetup(Target = nameof(InitiatorReadHelloAndCreateKey))]
    public void AfterFrame2() => Begin(steps: 2);

    /// <summary>Frames 1 to 3 made.</summary>
    [IterationSetup(Targets = [nameof(InitiatorCreateFinish), nameof(ResponderReadKey)])]
    public void AfterFrame3() => Begin(steps: 3);

    /// <summary>Frames 1 to 4 made, frame 3 read.</summary>
    [IterationSetup(Target = nameof(ResponderReadFinishAndCreateFinish))]
    public void AfterFrame4() => Begin(steps: 4);

    /// <summary>Frames 1 to 5 made.</summary>
    [IterationSetup(Target = nameof(InitiatorReadFinish))]
    public void AfterFrame5() => Begin(steps: 5);

    /// <summary>Initiator, step 1: nonce, ephemeral P-256 key, frame 1.</summary>
    [Benchmark]
    public byte[] InitiatorCreateHello() => _frame1 = _initiator!.CreateHello();

    /// <summary>Responder, step 1: parse frame 1, ECDH, wrap its secret to the initiator (RSA public), frame 2.</summary>
    [Benchmark]
    public byte[] ResponderReadHelloAndCreateHello() => _frame2 = _responder!.ReadHelloAndCreateHello(new Frame(_frame1));

    /// <summary>Initiator, step 2: parse frame 2, ECDH, wrap its own secret (RSA public), frame 3.</summary>
    [Benchmark]
    public byte[] InitiatorReadHelloAndCreateKey() => _frame3 = _initiator!.ReadHelloAndCreateKey(new Frame(_frame2));

    /// <summary>Initiator, step 3: unwrap (RSA private), keys, confirmation, frame 4.</summary>
    [Benchmark]
    public byte[] InitiatorCreateFinish() => _frame4 = _initiator!.CreateFinish();

    /// <summary>Responder, step 2: unwrap (RSA private), at the same time as the initiator's step 3.</summary>
    [Benchmark]
    public HandshakeBenchmarks ResponderReadKey()
    {
        _responder!.ReadKey(new Frame(_frame3));
        return this;
    }

    /// <summary>Responder, step 3: keys, check confirmation, frame 5.</summary>
    [Benchmark]
    public byte[] ResponderReadFinishAndCreateFinish()
    {
        (_frame5, _result) = _responder!.ReadFinishAndCreateFinish(new Frame(_frame4));
        return _frame5;
    }

    /// <summary>Initiator, step 4: check confirmation, chains.</summary>
    [Benchmark]
    public object InitiatorReadFinish() => _result = _initiator!.ReadFinish(new Frame(_frame5));

    /// <summary>A whole handshake, both sides in turn.</summary>
    [Benchmark]
    public object BothSides()
    {
        Advance(steps: 5);
        return _result = _initiator!.ReadFinish(new Frame(_frame5));
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
            _frame3 = _initiator!.ReadHelloAndCreateKey(new Frame(_frame2));
        }

        if (steps >= 4)
        {
            _frame4 = _initiator!.CreateFinish();
            _responder!.ReadKey(new Frame(_frame3));
        }

        if (steps >= 5)
        {
            _result?.Dispose();
            (_frame5, _result) = _responder!.ReadFinishAndCreateFinish(new Frame(_frame4));
        }
    }
}
