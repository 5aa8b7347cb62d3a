using System.Threading.Channels;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>Which way a relayed frame was going.</summary>
internal enum Toward
{
    Responder,
    Initiator,
}

/// <summary>What carries the bytes between the relay and each side.</summary>
public enum Transport
{
    Pipes,
    Tcp,
}

/// <summary>A frame in flight: its direction, its number in that direction (from 1) and its bytes.</summary>
internal sealed record RelayedFrame(Toward Toward, int Number, byte[] Wire);

/// <summary>
/// A man in the middle for tests: sits between an initiator and a responder, reads whole frames each way,
/// and forwards whatever <see cref="Tamper"/> returns for each (nothing drops it, two frames duplicate it).
/// </summary>
internal sealed class FrameRelay : IAsyncDisposable
{
    private readonly Stream _initiatorSide;
    private readonly Stream _responderSide;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _toResponder;
    private readonly Task _toInitiator;

    private FrameRelay(Stream initiatorSide, Stream responderSide, Func<RelayedFrame, IEnumerable<byte[]>> tamper)
    {
        _initiatorSide = initiatorSide;
        _responderSide = responderSide;
        Tamper = tamper;
        _toResponder = Task.Run(() => PumpAsync(initiatorSide, responderSide, Toward.Responder));
        _toInitiator = Task.Run(() => PumpAsync(responderSide, initiatorSide, Toward.Initiator));
    }

    /// <summary>The handshake frames each way: hello, key and finish toward the responder; hello and finish back.</summary>
    public const int HandshakeFramesTowardResponder = 3;

    /// <inheritdoc cref="HandshakeFramesTowardResponder"/>
    public const int HandshakeFramesTowardInitiator = 2;

    /// <summary>
    /// Every session carries a conversation, so each side's first record is its <c>resume</c>: Bob's first
    /// text is the second record toward the responder, and the frame after it.
    /// </summary>
    public const int FirstTextRecordTowardResponder = ResumeTowardResponder + 1;

    /// <summary>Bob's <c>resume</c>: the first record toward the responder.</summary>
    public const int ResumeTowardResponder = HandshakeFramesTowardResponder + 1;

    /// <summary>Alice's <c>resume</c>: the first record toward the initiator, which Bob waits for before he sends a text.</summary>
    public const int ResumeTowardInitiator = HandshakeFramesTowardInitiator + 1;

    public Func<RelayedFrame, IEnumerable<byte[]>> Tamper { get; set; }

    /// <summary>A pause before each piece after the first that <see cref="Tamper"/> returns for one frame: a slow link.</summary>
    public TimeSpan PieceDelay { get; set; }

    /// <summary>Whether one side closing closes the other (false: a black hole that keeps both open).</summary>
    public bool ForwardEnd { get; set; } = true;

    /// <summary>Every frame seen, in arrival order, before tampering.</summary>
    public Channel<RelayedFrame> Seen { get; } = Channel.CreateUnbounded<RelayedFrame>();

    /// <summary>A tamper step that holds a frame back (blocking its direction) until <paramref name="until"/> completes, then forwards it.</summary>
    public static IEnumerable<byte[]> HoldUntil(RelayedFrame frame, Task until)
    {
        until.Wait(TimeSpan.FromSeconds(10));
        return [frame.Wire];
    }

    /// <summary>Whether the frame belongs to the handshake (records come after).</summary>
    public static bool IsHandshake(RelayedFrame frame) => frame.Number <= (frame.Toward == Toward.Responder
        ? HandshakeFramesTowardResponder
        : HandshakeFramesTowardInitiator);

    /// <summary>The streams to give the initiator and the responder, joined through a new relay.</summary>
    public static (Stream Initiator, Stream Responder, FrameRelay Relay) Create(Func<RelayedFrame, IEnumerable<byte[]>>? tamper = null)
    {
        (DuplexStream initiator, DuplexStream relayToInitiator) = DuplexStream.CreatePair();
        (DuplexStream responder, DuplexStream relayToResponder) = DuplexStream.CreatePair();
        var relay = new FrameRelay(relayToInitiator, relayToResponder, tamper ?? (f => [f.Wire]));
        return (initiator, responder, relay);
    }

    /// <summary>The same, over in-memory pipes or over two loopback TCP connections.</summary>
    public static async Task<(Stream Initiator, Stream Responder, FrameRelay Relay)> CreateAsync(
        Transport transport, Func<RelayedFrame, IEnumerable<byte[]>>? tamper = null)
    {
        if (transport == Transport.Pipes)
        {
            return Create(tamper);
        }

        (Stream initiator, Stream relayToInitiator) = await SessionHarness.TcpPairAsync();
        (Stream relayToResponder, Stream responder) = await SessionHarness.TcpPairAsync();
        var relay = new FrameRelay(relayToInitiator, relayToResponder, tamper ?? (f => [f.Wire]));
        return (initiator, responder, relay);
    }

    /// <summary>Writes raw bytes toward one side, as if the other had sent them.</summary>
    public async Task InjectAsync(Toward toward, byte[] bytes)
    {
        Stream target = toward == Toward.Responder ? _responderSide : _initiatorSide;
        await target.WriteAsync(bytes);
        await target.FlushAsync();
    }

    /// <summary>Cuts both connections, as a network failure would: each side sees the stream end.</summary>
    public async Task CutAsync()
    {
        await _stop.CancelAsync();
        await _initiatorSide.DisposeAsync();
        await _responderSide.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        await Task.WhenAll(_toResponder, _toInitiator).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task PumpAsync(Stream from, Stream to, Toward toward)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];
        int number = 0;
        try
        {
            while (true)
            {
                await from.ReadExactlyAsync(header, _stop.Token);
                int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header);
                byte[] wire = new byte[FrameCodec.HeaderSize + length];
                header.CopyTo(wire, 0);
                await from.ReadExactlyAsync(wire.AsMemory(FrameCodec.HeaderSize), _stop.Token);
                var frame = new RelayedFrame(toward, ++number, wire);
                Seen.Writer.TryWrite(frame);
                bool first = true;
                foreach (byte[] output in Tamper(frame))
                {
                    if (!first && PieceDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(PieceDelay, _stop.Token);
                    }

                    first = false;
                    await to.WriteAsync(output, _stop.Token);
                    await to.FlushAsync(_stop.Token);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // One side closed or the relay was cut: pass the end on.
            if (ForwardEnd || _stop.IsCancellationRequested)
            {
                await to.DisposeAsync();
            }
        }
    }
}
