// A man in the middle on real loopback TCP, for fault injection: User2 dials the proxy, the proxy dials
// User1, and it forwards whole frames (u32 big-endian length, then the payload) both ways, counting them
// per direction from 1. Armed with a Fault, it damages one frame of the first connection through it in
// one of the ways a network or an attacker can; later connections pass untouched (the listener's next
// caller). Linked into the end-to-end tests too, which put it between the real processes.
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>Which way a frame travels.</summary>
public enum Toward
{
    /// <summary>From User2 to User1.</summary>
    Listener,

    /// <summary>From User1 to User2.</summary>
    Connector,
}

/// <summary>What the proxy does to the chosen frame.</summary>
public enum FaultKind
{
    /// <summary>Flips one bit of the payload.</summary>
    FlipPayloadBit,

    /// <summary>Flips one bit of the length prefix.</summary>
    FlipLengthBit,

    /// <summary>Never forwards the frame.</summary>
    Drop,

    /// <summary>Forwards the frame twice.</summary>
    Duplicate,

    /// <summary>Holds the frame and forwards it after the next one in the same direction (at the end of the stream if none comes).</summary>
    Reorder,

    /// <summary>Holds the frame, and so everything after it in that direction, for <see cref="Fault.Delay"/>.</summary>
    Delay,

    /// <summary>Forwards the first half of the payload under a length prefix that matches it, then closes both connections.</summary>
    Truncate,

    /// <summary>Sends random bytes just before the frame.</summary>
    Garbage,

    /// <summary>Forwards the length prefix and half the payload, then resets both connections.</summary>
    Cut,

    /// <summary>
    /// Holds the frame for <see cref="Fault.Delay"/>, then cuts it as <see cref="Cut"/> does. The hold lets
    /// the frames before it leave the proxy's socket buffer first, which a reset would otherwise discard,
    /// so that exactly the frames before the cut one arrive (the end-to-end resume tests rely on it).
    /// </summary>
    HoldThenCut,
}

/// <summary>One fault: what to do to frame number <paramref name="Frame"/> (from 1) going <paramref name="Toward"/>.</summary>
public sealed record Fault(FaultKind Kind, Toward Toward, int Frame, TimeSpan Delay = default, int Seed = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        Kind is FaultKind.Delay or FaultKind.HoldThenCut ? $"{Kind} {Delay.TotalSeconds:0.###}s of frame {Frame} toward {Toward}" : $"{Kind} of frame {Frame} toward {Toward}";
}

/// <summary>A frame the proxy saw on the first connection, before any fault.</summary>
public sealed record ProxiedFrame(Toward Toward, int Number, int PayloadLength, string Type);

/// <summary>A frame-aware TCP proxy on loopback that injects one <see cref="Fault"/>.</summary>
public sealed class FaultProxy : LoopbackRelay
{
    private const int LargestFrameWeParse = 16 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly List<ProxiedFrame> _frames = [];
    private int _connections;

    private FaultProxy(int targetPort, Fault? fault)
        : base(targetPort)
    {
        Fault = fault;
        StartAccepting();
    }

    /// <summary>The fault for the first connection, or none.</summary>
    public Fault? Fault { get; }

    /// <summary>Whether the fault has been applied (its frame came).</summary>
    public bool Injected { get; private set; }

    /// <summary>How many connections the proxy has accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The frames of the first connection so far, in the order they arrived at the proxy.</summary>
    public IReadOnlyList<ProxiedFrame> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Starts a proxy to <c>127.0.0.1:<paramref name="targetPort"/></c> that applies <paramref name="fault"/> to the first connection.</summary>
    public static FaultProxy Start(int targetPort, Fault? fault = null) => new(targetPort, fault);

    /// <summary>How many frames of the first connection went <paramref name="toward"/> so far.</summary>
    public int Count(Toward toward) => Frames.Count(f => f.Toward == toward);

    /// <inheritdoc />
    protected override Task Accepted(Socket client)
    {
        bool first = Interlocked.Increment(ref _connections) == 1;
        return Task.Run(() => LinkAsync(client, first ? Fault : null, first));
    }

    private async Task LinkAsync(Socket client, Fault? fault, bool record)
    {
        Socket? server = null;
        try
        {
            using (client)
            {
                client.NoDelay = true;
                server = await ConnectToTargetAsync();
                if (server is null)
                {
                    return; // nobody at the target: the caller sees its connection close
                }

                using var cut = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
                var link = new Link(client, server, cut);
                await Task.WhenAll(
                    PumpAsync(link, client, server, Toward.Listener, fault, record),
                    PumpAsync(link, server, client, Toward.Connector, fault, record));
            }
        }
        finally
        {
            server?.Dispose();
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to, Toward toward, Fault? fault, bool record)
    {
        byte[] header = new byte[4];
        byte[]? held = null; // a frame being reordered
        int number = 0;
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(from, header, link.Token))
                {
                    break; // a clean end between frames
                }

                int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(header), int.MaxValue);
                if (length > LargestFrameWeParse)
                {
                    // Not our framing: pass the rest through as it comes.
                    await SendAsync(to, header, link.Token);
                    await CopyRawAsync(from, to, link.Token);
                    break;
                }

                byte[] wire = new byte[4 + length];
                header.CopyTo(wire, 0);
                if (!await ReadExactlyAsync(from, wire.AsMemory(4), link.Token))
                {
                    await SendAsync(to, wire.AsMemory(0, 4), link.Token); // the sender died mid-frame: so do we
                    break;
                }

                number++;
                if (record)
                {
                    lock (_gate)
                    {
                        _frames.Add(new ProxiedFrame(toward, number, length, TypeOf(wire)));
                    }
                }

                if (fault is not null && fault.Toward == toward && fault.Frame == number)
                {
                    Injected = true;
                    held = await InjectAsync(fault, wire, to, link);
                    if (link.Token.IsCancellationRequested)
                    {
                        return;
                    }

                    continue;
                }

                await SendAsync(to, wire, link.Token);
                if (held is not null)
                {
                    await SendAsync(to, held, link.Token);
                    held = null;
                }
            }

            if (held is not null)
            {
                await SendAsync(to, held, link.Token);
            }

            to.Shutdown(SocketShutdown.Send); // pass the clean end on
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            link.Close(reset: false); // one side failed or the link was cut: end both
        }
    }

    /// <summary>Applies <paramref name="fault"/> to <paramref name="wire"/>; returns a frame to hold back (reorder) or null.</summary>
    private static async Task<byte[]?> InjectAsync(Fault fault, byte[] wire, Socket to, Link link)
    {
        var random = new Random(unchecked((fault.Seed * 1_000_003) + (fault.Frame * 31) + (int)fault.Toward)); // not HashCode: it differs per process
        int payload = wire.Length - 4;
        switch (fault.Kind)
        {
            case FaultKind.FlipPayloadBit:
                wire[4 + random.Next(payload)] ^= (byte)(1 << random.Next(8));
                await SendAsync(to, wire, link.Token);
                return null;
            case FaultKind.FlipLengthBit:
                wire[random.Next(4)] ^= (byte)(1 << random.Next(8));
                await SendAsync(to, wire, link.Token);
                return null;
            case FaultKind.Drop:
                return null;
            case FaultKind.Duplicate:
                await SendAsync(to, wire, link.Token);
                await SendAsync(to, wire, link.Token);
                return null;
            case FaultKind.Reorder:
                return wire;
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, link.Token);
                await SendAsync(to, wire, link.Token);
                return null;
            case FaultKind.Garbage:
                byte[] garbage = new byte[64];
                random.NextBytes(garbage);
                await SendAsync(to, garbage, link.Token);
                await SendAsync(to, wire, link.Token);
                return null;
            case FaultKind.Truncate:
                int kept = Math.Max(1, payload / 2);
                BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)kept);
                await SendAsync(to, wire.AsMemory(0, 4 + kept), link.Token);
                link.Close(reset: false);
                return null;
            case FaultKind.Cut:
                await SendAsync(to, wire.AsMemory(0, 4 + (payload / 2)), link.Token);
                link.Close(reset: true);
                return null;
            case FaultKind.HoldThenCut:
                await Task.Delay(fault.Delay, link.Token);
                await SendAsync(to, wire.AsMemory(0, 4 + (payload / 2)), link.Token);
                link.Close(reset: true);
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "Unknown fault.");
        }
    }

    private static string TypeOf(byte[] wire)
    {
        if (wire.Length > 4 && wire[4] == 0x00)
        {
            return "binary record"; // a chunk (docs/protocol.md, "binary record")
        }

        try
        {
            using JsonDocument json = JsonDocument.Parse(wire.AsMemory(4));
            return json.RootElement.TryGetProperty("type", out JsonElement type) ? type.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket from, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await from.ReceiveAsync(buffer[total..], SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        return true;
    }

    private static async Task SendAsync(Socket to, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await to.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    private static async Task CopyRawAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            await SendAsync(to, buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>The two sockets of one proxied connection, closed together.</summary>
    private sealed class Link(Socket client, Socket server, CancellationTokenSource cut)
    {
        private int _closed;

        public CancellationToken Token { get; } = cut.Token;

        /// <summary>Closes both sockets: with a FIN, or with a reset (as a crashed host or a middlebox would).</summary>
        public void Close(bool reset)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            foreach (Socket socket in new[] { client, server })
            {
                try
                {
                    if (reset)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    else
                    {
                        socket.Shutdown(SocketShutdown.Both);
                    }

                    socket.Close();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already gone.
                }
            }

            try
            {
                cut.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The link has ended already.
            }
        }
    }
}
