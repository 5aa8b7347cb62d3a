// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
// The oracle of every fuzz target: hostile bytes end in a result or in one of the documented
// SessionException classes (docs/protocol.md, "Local error classes"), never in another exception type;
// a read allocates at most its frame plus a small constant; and a changed input never completes the
// responder's handshake as if it were the captured one, nor opens as an authentic record.
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Framing;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>A broken oracle: what a fuzz target must never do. Anything else a target throws is a finding too.</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The fuzz targets over one captured conversation. Each returns a short label of the outcome, for counting.</summary>
internal sealed class FuzzTargets(CapturedConversation capture)
{
    /// <summary>What one frame read may allocate besides the frame: its timeout, an exception and its message.</summary>
    public const long ReadAllocationSlack = 96 * 1024;

    public const string Accepted = "accepted";

    public static IReadOnlyList<string> Names { get; } = ["frames", "responder", "inner"];

    /// <summary>Sees every documented exception a target refuses an input with (the hygiene tests read their text).</summary>
    public Action<Exception>? Refused { get; init; }

    /// <summary>The captured inputs each target starts from.</summary>
    public IReadOnlyList<byte[]> Corpus(string target) => target switch
    {
        "frames" => [Concat(capture.ToResponder), Concat(capture.ToInitiator), .. capture.ToResponder, .. capture.ToInitiator, FrameJson.EncodeAbort(AbortReason.Busy)],
        "responder" => [capture.ResponderInput, capture.Frame1, [.. capture.Frame1, .. capture.Frame3], [.. capture.Frame1, .. FrameJson.EncodeAbort(AbortReason.Timeout)]],
        "inner" => [.. capture.InnerPlaintexts, .. new[]
        {
            """{"kind":"ping"}""", """{"kind":"pong"}""", """{"kind":"receipt","through":1}""",
            """{"kind":"resume","through":4,"conversation":"q83vEjRWeJCrze8SNFZ4kA==","first":6}""",
            """{"kind":"offer","file":1,"name":"report.pdf","size":1000,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}""",
            """{"kind":"accept","file":1,"offset":0,"prefix":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}""",
            """{"kind":"chunk","file":1,"offset":0,"data":"AAECAwQ="}""", """{"kind":"chunk","file":1,"offset":5,"data":""}""",
            """{"kind":"reject","file":1,"reason":"declined"}""", """{"kind":"cancel","file":1,"reason":"stopped"}""", """{"kind":"verified","file":1}""",
        }.Select(s => System.Text.Encoding.UTF8.GetBytes(s))],
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown target."),
    };

    /// <summary>Mutates an input the way that suits <paramref name="target"/>.</summary>
    public byte[] Mutate(string target, Random random, byte[] input) => target == "inner"
        ? (random.Next(2) == 0 ? Mutator.MutateJson(random, input) : Mutator.MutateBytes(random, input, Corpus(target)))
        : Mutator.MutateFrames(random, input, Corpus(target));

    public string Run(string target, byte[] input) => target switch
    {
        "frames" => Frames(input),
        "responder" => Responder(input),
        "inner" => Inner(input),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown target."),
    };

    /// <summary>
    /// A byte stream, cut into pieces, through the frame reader with the session limit; each frame through
    /// the type pass, every strict parse its type could mean, and a record through the record layer at the
    /// sequence number it claims.
    /// </summary>
    public string Frames(byte[] input)
    {
        int[] chunks = [1 + (input.Length % 7), 1 + (input.Length % 331), 4096];
        var reader = new FrameReader(new ChunkedReadStream(input, chunks));
        string outcome = Accepted;
        for (int count = 0; count < 64; count++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Frame? frame;
            try
            {
                ValueTask<Frame?> read = reader.ReadFrameAsync(FrameCodec.DefaultMaxSessionPayload, TimeSpan.FromSeconds(30), CancellationToken.None);
                if (!read.IsCompleted)
                {
                    throw new FuzzFindingException("A read over bytes that were all there did not complete at once.");
                }

                frame = read.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is ProtocolViolationException or ConnectionLostException)
            {
                // A refused length is never allocated; a frame cut short may have had its announced length
                // (at most the limit) allocated before the stream ended.
                CheckAllocation(before, e is ConnectionLostException ? FrameCodec.HeaderSize + FrameCodec.DefaultMaxSessionPayload : 0);
                return Refuse(e);
            }

            CheckAllocation(before, frame?.Wire.Length ?? 0);
            if (frame is not { } f)
            {
                return outcome;
            }

            outcome = Frame(f.Payload.ToArray());
        }

        return outcome;
    }

    /// <summary>
    /// The responder's handshake fed the frames in <paramref name="input"/> (frames 1, 3 and 4), with the
    /// captured responder's randomness: an unchanged input replays the captured handshake exactly. A changed
    /// frame 1 or 3 must never lead to completion (both are in TH3, which frame 4's confirmation covers), and
    /// neither may a changed frame 4: its confirmation does not cover its own spelling, so the responder
    /// requires it byte for byte canonical (issue 13, item 11).
    /// </summary>
    public string Responder(byte[] input)
    {
        List<byte[]> frames = Mutator.Split(input, out byte[] trailing);
        using Secret psk = Secret.Copy(capture.Psk);
        using var responder = new ResponderHandshake(
            capture.ResponderKey, CapturedConversation.ResponderName, [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256], psk, capture.ResponderEntropy.Replay());
        try
        {
            if (frames.Count == 0)
            {
                return Handshake(input, out _) ?? throw new FuzzFindingException("An incomplete frame was taken for a whole one.");
            }

            Frame hello = HandshakeFrame(frames[0]);
            byte[] reply = responder.ReadHelloAndCreateHello(hello);
            if (frames[0].AsSpan().SequenceEqual(capture.Frame1) && !reply.AsSpan().SequenceEqual(capture.Frame2))
            {
                throw new FuzzFindingException("The captured frame 1 did not replay to the captured frame 2: the target is not deterministic.");
            }

            if (frames.Count < 2)
            {
                return trailing.Length == 0 ? "waiting for frame 3" : "frame 3 incomplete";
            }

            responder.ReadKey(HandshakeFrame(frames[1]));
            if (frames.Count < 3)
            {
                return trailing.Length == 0 ? "waiting for frame 4" : "frame 4 incomplete";
            }

            Frame finish = HandshakeFrame(frames[2]);
            (byte[] frame5, HandshakeResult result) = responder.ReadFinishAndCreateFinish(finish);
            result.Dispose();
            if (!frames[0].AsSpan().SequenceEqual(capture.Frame1))
            {
                throw new FuzzFindingException("The responder completed a handshake whose frame 1 was changed.");
            }

            if (!frames[1].AsSpan().SequenceEqual(capture.Frame3))
            {
                throw new FuzzFindingException("The responder completed a handshake whose frame 3 was changed: TH3 does not bind frame 3's bytes.");
            }

            if (frames[2].AsSpan().SequenceEqual(capture.Frame4))
            {
                return Accepted;
            }

            // Issue 13, item 11: a frame 4 that is not byte for byte the canonical one must never complete the
            // responder (it used to, with another transcript, while the initiator failed).
            throw new FuzzFindingException("The responder completed with a re-spelled frame 4: it must be refused as not canonical.");
        }
        catch (Exception e) when (e is ProtocolViolationException or IntegrityException or PeerAbortedException or SessionTimeoutException)
        {
            return Refuse(e);
        }
    }

    /// <summary>
    /// An inner message (the plaintext of a record) sealed with the captured initiator's first message key
    /// and opened by the record layer: the tag is right, so the message parser alone decides, and it may only
    /// accept or refuse with a protocol violation.
    /// </summary>
    public string Inner(byte[] plaintext)
    {
        using var sealingChain = new ChainKey(capture.InitiatorChain);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        sealingChain.Next(messageKey);
        byte[] header = new byte[RecordHeader.Size];
        RecordHeader.Write(header, CapturedConversation.Suite, Direction.InitiatorToResponder, 0);
        byte[] sealedBytes = MessageProtection.Create(CapturedConversation.Suite, MessageProtection.DefaultPaddingBucket).Seal(messageKey, header, plaintext);
        byte[] frame = FrameJson.Encode(new RecordFrame(0, sealedBytes), ProtocolJsonContext.Default.RecordFrame);
        using var opener = new RecordOpener(new ChainKey(capture.InitiatorChain), CapturedConversation.Suite, Direction.InitiatorToResponder);
        try
        {
            opener.Open(frame.AsSpan(FrameCodec.HeaderSize));
            return Accepted;
        }
        catch (ProtocolViolationException e)
        {
            return Refuse(e);
        }
    }

    private string Frame(byte[] payload)
    {
        string type;
        try
        {
            type = FrameJson.ReadType(payload);
        }
        catch (ProtocolViolationException e)
        {
            return Refuse(e);
        }

        _ = FrameJson.HasNumberOtherThan(payload, "version", ProtocolVersion.Current);
        return type switch
        {
            "hello" => Parses(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.InitiatorHello)) + "/" + Parses(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.ResponderHello)),
            "finish" => Parses(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.InitiatorFinish)) + "/" + Parses(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.ResponderFinish)),
            "key" => Parses(payload, p => FrameJson.Parse(p, ProtocolJsonContext.Default.InitiatorKey)),
            "abort" => Parses(payload, p => FrameJson.ParseAbort(p)),
            "record" => Record(payload),
            _ => "unknown frame type (a session refuses it)",
        };
    }

    /// <summary>Opens a record with the initiator's chain at the sequence number it claims (if the capture has one there).</summary>
    private string Record(byte[] payload)
    {
        RecordFrame record;
        try
        {
            record = FrameJson.Parse(payload, ProtocolJsonContext.Default.RecordFrame);
        }
        catch (ProtocolViolationException e)
        {
            return Refuse(e);
        }

        // The record may be either side's: try each direction's chain, advanced to the number it claims.
        string initiator = Open(payload, record.Seq, capture.InitiatorChain, Direction.InitiatorToResponder, capture.InitiatorRecords.Count, 0);
        return initiator == Accepted
            ? initiator
            : Open(payload, record.Seq, capture.ResponderChain, Direction.ResponderToInitiator, capture.ResponderRecords.Count, capture.InitiatorRecords.Count);
    }

    private string Open(byte[] payload, ulong seq, byte[] chainKey, Direction direction, int recordCount, int firstPlaintext)
    {
        if (seq >= (ulong)recordCount)
        {
            return "record numbered past the capture (out of sequence for a session)";
        }

        var chain = new ChainKey(chainKey);
        byte[] skipped = new byte[ChainKey.MessageKeySize];
        for (ulong i = 0; i < seq; i++)
        {
            chain.Next(skipped);
        }

        using var opener = new RecordOpener(chain, CapturedConversation.Suite, direction);
        try
        {
            InnerMessage opened = opener.Open(payload);
            InnerMessage authentic = FrameJson.Parse(capture.InnerPlaintexts[firstPlaintext + (int)seq], ProtocolJsonContext.Default.InnerMessage);
            // Compared as their canonical JSON: the record's own equality compares byte[] fields (a resume's
            // conversation id) by reference, so it would call the authentic resume a forgery.
            if (!FrameJson.Encode(opened, ProtocolJsonContext.Default.InnerMessage).AsSpan().SequenceEqual(FrameJson.Encode(authentic, ProtocolJsonContext.Default.InnerMessage)))
            {
                throw new FuzzFindingException($"Record {seq} opened to a message its sender never sent.");
            }

            return Accepted;
        }
        catch (Exception e) when (e is ProtocolViolationException or IntegrityException)
        {
            return Refuse(e);
        }
    }

    private string Refuse(Exception e)
    {
        Refused?.Invoke(e);
        return e.GetType().Name;
    }

    private string Parses<T>(byte[] payload, Func<byte[], T> parse)
    {
        try
        {
            parse(payload);
            return Accepted;
        }
        catch (Exception e) when (e is ProtocolViolationException or PeerAbortedException)
        {
            return Refuse(e);
        }
    }

    /// <summary>What the session does with a handshake frame before the state machine sees it: the codec, then the abort check.</summary>
    private static Frame HandshakeFrame(byte[] wire)
    {
        if (Handshake(wire, out Frame frame) is { } failure)
        {
            throw new ProtocolViolationException(failure);
        }

        if (FrameJson.ReadType(frame.Payload.Span) == AbortFrame.TypeName)
        {
            throw FrameJson.ParseAbort(frame.Payload.Span);
        }

        return frame;
    }

    /// <summary>Null and the frame if <paramref name="wire"/> is exactly one frame within the handshake limit; else what a reader would say.</summary>
    private static string? Handshake(byte[] wire, out Frame frame)
    {
        frame = default;
        if (!FrameCodec.TryReadFrame(wire, FrameCodec.DefaultMaxHandshakePayload, out int length))
        {
            return "incomplete frame (the peer would time out)";
        }

        if (length != wire.Length)
        {
            throw new FuzzFindingException("Split gave a frame with bytes after it.");
        }

        frame = new Frame(wire);
        return null;
    }

    private static void CheckAllocation(long before, int frameLength)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > frameLength + ReadAllocationSlack)
        {
            throw new FuzzFindingException($"One read allocated {allocated} bytes for a {frameLength}-byte frame.");
        }
    }

    private static byte[] Concat(IEnumerable<byte[]> frames) => [.. frames.SelectMany(f => f)];
}
