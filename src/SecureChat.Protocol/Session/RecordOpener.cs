// Opens incoming records. Exactly the next sequence number is accepted: anything else (a replay, a
// reordering, a drop) ends the session. The chain advances before the tag is checked, which is safe
// only because any failure ends the session: there is never a second try with the same chain. A JSON
// record frame holds a JSON inner message, a binary one a chunk (docs/protocol.md, "Chunk records").
using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

internal sealed class RecordOpener : IDisposable
{
    private readonly ChainKey _chain;
    private readonly MessageOpener _opener;
    private readonly Direction _direction;
    private readonly byte[] _messageKey = GC.AllocateUninitializedArray<byte>(ChainKey.MessageKeySize, pinned: true);

    public RecordOpener(ChainKey chain, MessageSuite suite, Direction direction)
    {
        _chain = chain;
        _opener = new MessageOpener(MessageProtection.Create(suite, MessageProtection.DefaultPaddingBucket));
        _direction = direction;
    }

    /// <summary>Opens the record in <paramref name="payload"/> and parses the message inside.</summary>
    /// <exception cref="IntegrityException">The record is out of sequence or fails its tag.</exception>
    /// <exception cref="ProtocolViolationException">The frame or the message inside is malformed.</exception>
    public InnerMessage Open(ReadOnlySpan<byte> payload)
    {
        RecordFrame record = FrameJson.Parse(payload, ProtocolJsonContext.Default.RecordFrame);
        if (record.Type != RecordFrame.TypeName)
        {
            throw new ProtocolViolationException($"Expected a record, got a {PeerText.Quote(record.Type)} frame.");
        }

        return OpenInner(record.Seq, record.Sealed);
    }

    /// <summary>As <see cref="Open(ReadOnlySpan{byte})"/> for a frame <see cref="CanonicalRecordFrame"/> has read: no parser, no array.</summary>
    public InnerMessage Open(ulong sequence, ReadOnlySpan<byte> sealedBase64)
    {
        int length = CanonicalRecordFrame.DecodedLength(sealedBase64);
        byte[] sealedBytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            if (Base64.DecodeFromUtf8(sealedBase64, sealedBytes, out _, out int written) != OperationStatus.Done || written != length)
            {
                throw new ProtocolViolationException("A frame is malformed: its sealed bytes are not valid base64.");
            }

            return OpenInner(sequence, sealedBytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedBytes);
        }
    }

    /// <summary>Opens a JSON record frame's sealed bytes, which must hold an inner message (never a chunk).</summary>
    private InnerMessage OpenInner(ulong seq, ReadOnlySpan<byte> sealedBytes)
    {
        byte[] plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(1, sealedBytes.Length));
        try
        {
            int written = OpenSealed(seq, sealedBytes, plaintext);
            if (written > 0 && plaintext[0] == ChunkPlaintext.Tag)
            {
                throw new ProtocolViolationException("A chunk arrived in a JSON record frame; chunks travel in binary record frames only.");
            }

            return ParseInner(plaintext.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    /// <summary>
    /// Opens the binary record frame in <paramref name="payload"/>, which must hold a chunk. The chunk's data
    /// stays in a pooled buffer that the returned chunk owns: whoever holds it last calls <see cref="OpenedChunk.Return"/>.
    /// </summary>
    /// <exception cref="IntegrityException">The record is out of sequence or fails its tag.</exception>
    /// <exception cref="ProtocolViolationException">The frame is too short, or its plaintext is not a chunk.</exception>
    public OpenedChunk OpenChunk(ReadOnlySpan<byte> payload)
    {
        ulong seq = BinaryRecordFrame.ReadSequence(payload);
        ReadOnlySpan<byte> sealedBytes = payload[BinaryRecordFrame.HeaderSize..];
        byte[] plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(1, sealedBytes.Length));
        try
        {
            int written = OpenSealed(seq, sealedBytes, plaintext);
            (ulong file, long offset) = ChunkPlaintext.Read(plaintext.AsSpan(0, written));
            return new OpenedChunk(file, offset, plaintext, written - ChunkPlaintext.HeaderSize);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
            throw;
        }
    }

    /// <summary>Checks the sequence number and size, takes the next key, checks the tag and decrypts; returns the plaintext's length.</summary>
    private int OpenSealed(ulong seq, ReadOnlySpan<byte> sealedBytes, Span<byte> plaintext)
    {
        ulong expected = _chain.Index;
        if (seq != expected)
        {
            throw new IntegrityException(seq < expected
                ? $"Record {seq} arrived again after record {expected - 1}: a replay. The session is ended."
                : $"Record {seq} arrived where record {expected} was due: records were dropped or reordered. The session is ended.");
        }

        int padded = sealedBytes.Length - MessageProtection.IvSize - MessageProtection.TagSize;
        if (padded < MessageProtection.DefaultPaddingBucket || padded % MessageProtection.DefaultPaddingBucket != 0)
        {
            // Every record is padded to a whole bucket, at least one: IV ‖ C ‖ tag is 48 + 160·k bytes
            // with k ≥ 1, so at least 208. An authentic record of another size cannot exist.
            throw new ProtocolViolationException(
                $"Record {expected} is {sealedBytes.Length} bytes, not 48 + {MessageProtection.DefaultPaddingBucket}·k with k ≥ 1: not padded to the bucket.");
        }

        Span<byte> header = stackalloc byte[RecordHeader.Size];
        RecordHeader.Write(header, _opener.Protection.Suite, _direction, expected);
        try
        {
            _chain.Next(_messageKey);
            if (!_opener.TryOpen(_messageKey, header, sealedBytes, plaintext, out int written))
            {
                throw new IntegrityException(
                    $"Record {expected} failed its integrity check: it was changed, spliced from another session or sent back to us. The session is ended.");
            }

            return written;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_messageKey);
        }
    }

    /// <summary>Mixes a rekey's fresh secret into the receiving chain: the next record and all later ones use the new chain.</summary>
    public void MixIn(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context) => _chain.MixIn(secret, label, context);

    /// <summary>The receiving chain, for the post-compromise test to copy (its stolen key).</summary>
    internal ChainKey Chain => _chain;

    /// <summary>Derives the next record's key now, while nothing waits for it (see <see cref="ChainKey.PrepareNext"/>).</summary>
    public void PrepareNext() => _chain.PrepareNext();

    public void Dispose()
    {
        _chain.Dispose();
        _opener.Dispose();
    }

    private static InnerMessage ParseInner(ReadOnlySpan<byte> plaintext)
    {
        if (CanonicalTextMessage.TryRead(plaintext, out InnerMessage? text))
        {
            return text!;
        }

        try
        {
            return JsonSerializer.Deserialize(plaintext, ProtocolJsonContext.Default.InnerMessage)
                ?? throw new ProtocolViolationException("An authenticated record holds JSON null.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Neither the parser's exception nor its JSON path goes along: both quote the decrypted
            // plaintext, and a failure is logged (at debug level) where message text must never appear.
            throw new ProtocolViolationException($"An authenticated record holds a malformed message ({e.GetType().Name}).");
        }
    }
}
