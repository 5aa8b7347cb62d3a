using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// A peer that follows a script instead of the rules. It runs a real handshake, so its records
/// authenticate, and then sends whatever inner messages (as raw JSON), records or frames a test gives it,
/// and reads what the real <see cref="SecureSession"/> on the other end answers. This is how the
/// conformance tests put a rule of docs/protocol.md in front of the session code.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);

    private readonly DuplexStream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;

    private ScriptedPeer(DuplexStream stream, FrameReader reader, FrameWriter writer, HandshakeResult keys)
    {
        _stream = stream;
        _reader = reader;
        _writer = writer;
        Direction outgoing = keys.Role == Role.Initiator ? Direction.InitiatorToResponder : Direction.ResponderToInitiator;
        Direction incoming = keys.Role == Role.Initiator ? Direction.ResponderToInitiator : Direction.InitiatorToResponder;
        _sealer = new RecordSealer(keys.SendChain, keys.Suite, outgoing, HandshakeEntropy.System);
        _opener = new RecordOpener(keys.ReceiveChain, keys.Suite, incoming);
    }

    /// <summary>A scripted initiator (Bob) against a real responding session (Alice, with <paramref name="responder"/>).</summary>
    public static async Task<(ScriptedPeer Bob, SecureSession Alice)> AgainstResponderAsync(SessionOptions responder)
    {
        (DuplexStream ours, DuplexStream theirs) = DuplexStream.CreatePair();
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(theirs, responder));
        var reader = new FrameReader(ours);
        var writer = new FrameWriter(ours);
        SessionOptions bob = SessionHarness.BobOptions();
        using var handshake = new InitiatorHandshake(bob.Identity, bob.Name, bob.Suites, null, HandshakeEntropy.System);
        await writer.WriteFrameAsync(handshake.CreateHello(), CancellationToken.None);
        Frame hello = await ReadAsync(reader);
        await writer.WriteFrameAsync(handshake.ReadHelloAndCreateKey(hello), CancellationToken.None);
        await writer.WriteFrameAsync(handshake.CreateFinish(), CancellationToken.None);
        HandshakeResult keys = handshake.ReadFinish(await ReadAsync(reader));
        return (new ScriptedPeer(ours, reader, writer, keys), await responding);
    }

    /// <summary>A scripted responder (Alice) against a real initiating session (Bob, carrying <paramref name="conversation"/>).</summary>
    public static async Task<(ScriptedPeer Alice, SecureSession Bob)> AgainstInitiatorAsync(Conversation conversation)
    {
        (DuplexStream ours, DuplexStream theirs) = DuplexStream.CreatePair();
        Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(theirs, SessionHarness.BobOptions(), conversation));
        var reader = new FrameReader(ours);
        var writer = new FrameWriter(ours);
        SessionOptions alice = SessionHarness.AliceOptions();
        using var handshake = new ResponderHandshake(alice.Identity, alice.Name, alice.Suites, null, HandshakeEntropy.System);
        await writer.WriteFrameAsync(handshake.ReadHelloAndCreateHello(await ReadAsync(reader)), CancellationToken.None);
        handshake.ReadKey(await ReadAsync(reader));
        (byte[] finish, HandshakeResult keys) = handshake.ReadFinishAndCreateFinish(await ReadAsync(reader));
        await writer.WriteFrameAsync(finish, CancellationToken.None);
        return (new ScriptedPeer(ours, reader, writer, keys), await initiating);
    }

    /// <summary>Seals <paramref name="json"/> exactly as given, as the next record.</summary>
    public Task SendInnerAsync(string json) => WriteAsync(_sealer.SealPlaintextPooled(Encoding.UTF8.GetBytes(json)));

    private async Task WriteAsync(PooledFrame frame)
    {
        try
        {
            await _writer.WriteFrameAsync(frame.Wire, CancellationToken.None);
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Sends a real chunk of <paramref name="length"/> zero bytes as the next record (a binary record frame).</summary>
    public Task SendChunkAsync(ulong file, long offset, int length) => WriteAsync(_sealer.SealChunkPooled(file, offset, new byte[length]));

    /// <summary>The wire bytes of a real chunk as the next record, not sent: a test sends it, changed, twice or late.</summary>
    public byte[] SealChunk(ulong file, long offset, int length)
    {
        PooledFrame frame = _sealer.SealChunkPooled(file, offset, new byte[length]);
        try
        {
            return frame.Wire.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Seals <paramref name="plaintext"/> exactly as given into a binary record frame, as the next record.</summary>
    public Task SendBinaryAsync(byte[] plaintext) => WriteAsync(_sealer.SealBinaryPlaintextPooled(plaintext));

    /// <summary>
    /// Seals <paramref name="json"/> with PKCS#7 padding instead of the 0x80 marker: 159 bytes of plaintext
    /// make a whole bucket (208 bytes sealed) and an authentic tag, whose last decrypted byte is 0x01.
    /// The sealer pads with the marker itself, so it is swapped for an unpadded one through its test seam.
    /// </summary>
    public async Task SendWithoutThePaddingMarkerAsync(string json)
    {
        SecureChat.Crypto.Protection.MessageSealer bucketed = _sealer.Sealer;
        using var unpadded = new SecureChat.Crypto.Protection.MessageSealer(SecureChat.Crypto.Protection.MessageProtection.Create(bucketed.Protection.Suite, paddingBucket: 0));
        _sealer.Sealer = unpadded;
        try
        {
            await SendInnerAsync(json.PadRight(159)); // trailing whitespace is allowed JSON
        }
        finally
        {
            _sealer.Sealer = bucketed;
        }
    }

    /// <summary>Writes <paramref name="wire"/> as it is (a whole frame, or anything else).</summary>
    public Task SendRawAsync(byte[] wire) => _stream.WriteAsync(wire).AsTask();

    /// <summary>The next record from the session, opened: its inner message as the session wrote it (null at the end or on an abort).</summary>
    public async Task<string?> ReadInnerAsync()
    {
        Frame? frame = await _reader.ReadFrameAsync(FrameCodec.DefaultMaxSessionPayload, FrameTimeout, CancellationToken.None);
        if (frame is { } binary && BinaryRecordFrame.Is(binary.Payload.Span))
        {
            // A chunk, described in the shape of an inner message so that a script can wait for it by kind.
            OpenedChunk chunk = _opener.OpenChunk(binary.Payload.Span);
            _opener.PrepareNext();
            chunk.Return();
            return $$"""{"kind":"chunk","file":{{chunk.File}},"offset":{{chunk.Offset}},"length":{{chunk.Length}}}""";
        }

        if (frame is not { } f || FrameJson.ReadType(f.Payload.Span) != RecordFrame.TypeName)
        {
            return null;
        }

        InnerMessage message = _opener.Open(f.Payload.Span);
        _opener.PrepareNext();
        return Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.InnerMessage));
    }

    /// <summary>
    /// Reads until the session ends: the wire name of the abort it sent, or null when the stream ended
    /// without one. Records before it are opened and skipped.
    /// </summary>
    public async Task<string?> ReadAbortAsync()
    {
        while (true)
        {
            Frame? frame;
            try
            {
                frame = await _reader.ReadFrameAsync(FrameCodec.DefaultMaxSessionPayload, FrameTimeout, CancellationToken.None);
            }
            catch (ConnectionLostException)
            {
                return null;
            }

            if (frame is not { } f)
            {
                return null;
            }

            if (!BinaryRecordFrame.Is(f.Payload.Span) && FrameJson.ReadType(f.Payload.Span) == AbortFrame.TypeName)
            {
                return System.Text.Json.JsonDocument.Parse(f.Payload).RootElement.GetProperty("reason").GetString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sealer.Dispose();
        _opener.Dispose();
        await _stream.DisposeAsync();
    }

    private static async Task<Frame> ReadAsync(FrameReader reader) =>
        await reader.ReadFrameAsync(FrameCodec.DefaultMaxHandshakePayload, FrameTimeout, CancellationToken.None)
        ?? throw new InvalidOperationException("The session under test closed during the handshake.");
}
