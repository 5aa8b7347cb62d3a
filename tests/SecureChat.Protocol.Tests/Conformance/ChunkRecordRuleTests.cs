using System.Buffers.Binary;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using static SecureChat.Protocol.Tests.Conformance.FileRuleTests;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "binary record" and "Chunk records" (issue 19): a scripted Bob sends chunks in binary
/// record frames, well formed or not, to a real Alice who accepted his 10-byte file at 0.
/// </summary>
public sealed class ChunkRecordRuleTests
{
    private const string Offer = $$"""{"kind":"offer","file":1,"name":"a","size":10,"sha256":"{{Hash}}"}""";

    /// <summary>Chunk plaintexts that break the header's rules, sealed into an authentic binary record.</summary>
    public static TheoryData<string, byte[]> BrokenHeaders => new()
    {
        { "tag … any other value is a violation (unknown tag)", Plaintext(tag: 0x02, file: 1, offset: 0, length: 4, dataBytes: 4) },
        { "`length` … must equal the bytes that follow the header exactly (one more)", Plaintext(tag: 0x01, file: 1, offset: 0, length: 5, dataBytes: 4) },
        { "`length` … must equal the bytes that follow the header exactly (one fewer)", Plaintext(tag: 0x01, file: 1, offset: 0, length: 3, dataBytes: 4) },
        { "a header shorter than 21 bytes", [0x01, 0, 0, 0, 0, 0, 0, 0, 1] },
        { "`offset` … at most 2^63 − 1", Plaintext(tag: 0x01, file: 1, offset: ulong.MaxValue, length: 1, dataBytes: 1) },
        { "anything but a chunk in a binary one (an inner message)", System.Text.Encoding.UTF8.GetBytes("""{"kind":"ping"}""") },
    };

    [Theory]
    [MemberData(nameof(BrokenHeaders))]
    public async Task Receiver_ChunkHeaderBreaksARule_Violation(string rule, byte[] plaintext)
    {
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(bob => bob.SendBinaryAsync(plaintext));
        failure.Should().BeOfType<ProtocolViolationException>(rule);
        abort.Should().Be("session-failed", rule);
        events.OfType<FileChunkReceived>().Should().BeEmpty(rule);
    }

    [Fact]
    public async Task Receiver_ChunkOffsetBeyondSize_Violation()
    {
        // Rule (Chunk records): "`offset` … then the rules of [Files](#files) (in place, within `size`)".
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(bob => bob.SendChunkAsync(1, 11, 1));
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
        events.OfType<FileChunkReceived>().Should().BeEmpty();
    }

    [Fact]
    public async Task Receiver_ChunkForAnUnknownTransfer_Violation()
    {
        // Rule (Chunk records): "`file` … must name a transfer the receiver accepted".
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(bob => bob.SendChunkAsync(7, 0, 1));
        failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("never offered");
        abort.Should().Be("session-failed");
        events.OfType<FileChunkReceived>().Should().BeEmpty();
    }

    [Fact]
    public async Task Receiver_ChunkInAJsonRecordFrame_Violation()
    {
        // Rule (binary record): "a chunk in a JSON record frame … is a protocol violation".
        byte[] plaintext = Plaintext(tag: 0x01, file: 1, offset: 0, length: 4, dataBytes: 4);
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(bob => bob.SendInnerAsync(System.Text.Encoding.Latin1.GetString(plaintext)));
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
        events.OfType<FileChunkReceived>().Should().BeEmpty();
    }

    [Fact]
    public async Task Receiver_JsonChunkKind_Violation()
    {
        // Rule (Inner messages): "`chunk` is not an inner message kind, so `{"kind":"chunk",…}` is a violation".
        (string? abort, Exception? failure, _) = await AfterAcceptAsync(bob => bob.SendInnerAsync("""{"kind":"chunk","file":1,"offset":0,"data":"AAAAAA=="}"""));
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Receiver_BinaryRecordFrameShorterThanItsHeader_Violation()
    {
        // Rule (binary record): "A payload of fewer than 9 bytes is a protocol violation."
        (string? abort, Exception? failure, _) = await AfterAcceptAsync(bob => bob.SendRawAsync(FrameCodec.Encode([0x00, 0, 0, 0])));
        failure.Should().BeOfType<ProtocolViolationException>();
        abort.Should().Be("session-failed");
    }

    [Fact]
    public async Task Receiver_BinaryChunkTampered_IntegrityFailureAndNothingDelivered()
    {
        // Rule (Opening, step 6): the tag covers a binary record as it covers any record.
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(bob =>
        {
            byte[] wire = bob.SealChunk(1, 0, 4);
            wire[FrameCodec.HeaderSize + 9 + 20] ^= 0x01; // a bit of the ciphertext
            return bob.SendRawAsync(wire);
        });
        failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("integrity check");
        abort.Should().Be("session-failed");
        events.OfType<FileChunkReceived>().Should().BeEmpty();
    }

    [Fact]
    public async Task Receiver_BinaryChunkReplayed_IntegrityFailure()
    {
        // Rule (binary record): "`seq` … must be exactly the next one" (a replay is an integrity failure).
        (string? abort, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(async bob =>
        {
            byte[] wire = bob.SealChunk(1, 0, 4);
            await bob.SendRawAsync(wire);
            await bob.SendRawAsync(wire);
        });
        failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("replay");
        abort.Should().Be("session-failed");
        events.OfType<FileChunkReceived>().Should().ContainSingle();
    }

    [Fact]
    public async Task Receiver_BinaryChunksReordered_IntegrityFailure()
    {
        // Rule (binary record): JSON and binary record frames share one sequence; only the next one is accepted.
        (_, Exception? failure, List<SessionEvent> events) = await AfterAcceptAsync(async bob =>
        {
            byte[] first = bob.SealChunk(1, 0, 4);
            byte[] second = bob.SealChunk(1, 4, 6);
            await bob.SendRawAsync(second);
            await bob.SendRawAsync(first);
        });
        failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("dropped or reordered");
        events.OfType<FileChunkReceived>().Should().BeEmpty();
    }

    [Fact]
    public async Task Receiver_WellFormedChunks_DeliveredWithTheirBytes()
    {
        var received = new List<(long Offset, byte[] Data, bool Complete)>();
        (string? abort, Exception? failure, _) = await ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync(Offer);
                await FileRuleTests.ReadUntilAsync(bob, "accept");
                await bob.SendChunkAsync(1, 0, 4);
                await bob.SendChunkAsync(1, 4, 6);
                await FileRuleTests.ReadUntilAsync(bob, "verified");
            },
            async (alice, e) =>
            {
                if (e is FileOffered o)
                {
                    await alice.AcceptFileAsync(o.File, 0, Convert.FromBase64String(Hash));
                }
                else if (e is FileChunkReceived c)
                {
                    received.Add((c.Offset, c.Data.ToArray(), c.Complete)); // copied: the data is lent until the next event
                    if (c.Complete)
                    {
                        await alice.ConfirmFileAsync(c.File);
                    }
                }
            },
            sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        received.Select(r => (r.Offset, r.Data.Length, r.Complete)).Should().Equal((0L, 4, false), (4L, 6, true));
    }

    [Fact]
    public void FullChunk_BinaryRecordFrame_IsTheSizeTheSpecificationGives()
    {
        // Limits: "a full chunk's binary record frame is 49,341 bytes" (1.004 wire bytes per file byte).
        using var sealer = new RecordSealer(
            new SecureChat.Crypto.Derivation.ChainKey(new byte[32]), SecureChat.Crypto.Protection.MessageSuite.AesCbcHmacSha256, Direction.InitiatorToResponder, SecureChat.Protocol.Handshake.HandshakeEntropy.System);
        PooledFrame frame = sealer.SealChunkPooled(1, 0, new byte[SecureSession.MaxFileChunkBytes]);
        try
        {
            frame.Length.Should().Be(49_341);
            frame.Wire.Span[FrameCodec.HeaderSize].Should().Be(0x00, "the binary record frame's tag");
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Bob resumes and offers his 10-byte file; Alice accepts it at 0; then <paramref name="send"/>.</summary>
    private static Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AfterAcceptAsync(Func<ScriptedPeer, Task> send) =>
        ScriptRun.AgainstResponderAsync(
            async (bob, _) =>
            {
                await bob.SendInnerAsync(Resume);
                await bob.SendInnerAsync(Offer);
                await FileRuleTests.ReadUntilAsync(bob, "accept");
                await send(bob);
            },
            (alice, e) => e is FileOffered o ? alice.AcceptFileAsync(o.File, 0, Convert.FromBase64String(Hash)) : ValueTask.CompletedTask,
            sayBye: false);

    private static byte[] Plaintext(byte tag, ulong file, ulong offset, uint length, int dataBytes)
    {
        byte[] plaintext = new byte[21 + dataBytes];
        plaintext[0] = tag;
        BinaryPrimitives.WriteUInt64BigEndian(plaintext.AsSpan(1), file);
        BinaryPrimitives.WriteUInt64BigEndian(plaintext.AsSpan(9), offset);
        BinaryPrimitives.WriteUInt32BigEndian(plaintext.AsSpan(17), length);
        return plaintext;
    }
}
