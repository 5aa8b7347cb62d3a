// Message protection: AES-256-CBC with a fresh random IV, then a MAC (encrypt-then-MAC, Bellare and
// Namprempre 2000; the key split follows RFC 7518 section 5.2.2.1).
//   key (64 bytes)  = MAC key (32) ‖ encryption key (32)
//   sealed          = IV (16) ‖ ciphertext (16·k, k ≥ 1) ‖ tag (32)
//   tag             = MAC(MAC key, uint64-be(len(AD)) ‖ AD ‖ IV ‖ ciphertext)
//   ciphertext      = AES-256-CBC(PKCS#7(plaintext)) without length hiding; with a bucket B (a multiple of
//                     16), AES-256-CBC without further padding of plaintext ‖ 0x80 ‖ 0x00… up to the next
//                     multiple of B (that padding already fills whole blocks, so PKCS#7 would only add one).
// The length prefix keeps the split between associated data and ciphertext unambiguous. On open the
// tag is checked in constant time before anything is decrypted or unpadded, so padding errors are
// unobservable; every failure is the same `false`.
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

/// <summary>
/// Seals and opens messages with one <see cref="MessageSuite"/>. Stateless and safe to share between threads:
/// the key is passed to every call, as each message has its own key from the ratchet.
/// </summary>
public sealed class MessageProtection
{
    /// <summary>The key size: a 32-byte MAC key followed by a 32-byte AES-256 key.</summary>
    public const int KeySize = 64;

    /// <summary>The size of the random IV at the start of a sealed message.</summary>
    public const int IvSize = AesCbc.IvSize;

    /// <summary>The size of the tag at the end of a sealed message.</summary>
    public const int TagSize = MacAlgorithm.TagSize;

    /// <summary>The smallest sealed message: an IV, one cipher block and a tag.</summary>
    public const int MinimumSealedLength = IvSize + AesCbc.BlockSize + TagSize;

    /// <summary>The padding bucket Signal uses, and the one SecureChat's records use.</summary>
    public const int DefaultPaddingBucket = 160;

    /// <summary>The largest plaintext a single call accepts (16 MiB); records are far smaller.</summary>
    public const int MaxPlaintextLength = 16 * 1024 * 1024;

    private const int MacKeySize = 32;

    // Far above any sealed form of MaxPlaintextLength in any bucket: anything longer is refused unread.
    private const int MaxSealedLength = MaxPlaintextLength + 65536 + IvSize + AesCbc.BlockSize + TagSize;
    private const int LengthPrefixSize = sizeof(ulong);
    private const int StackLimit = 1024;

    private MessageProtection(MessageSuite suite, MacAlgorithm mac, int paddingBucket)
    {
        Suite = suite;
        Mac = mac;
        PaddingBucket = paddingBucket;
    }

    /// <summary>The suite.</summary>
    public MessageSuite Suite { get; }

    /// <summary>The suite's MAC.</summary>
    public MacAlgorithm Mac { get; }

    /// <summary>The length-hiding bucket in bytes, or 0 when plaintext lengths are not hidden.</summary>
    public int PaddingBucket { get; }

    /// <summary>
    /// Creates the protection for <paramref name="suite"/>, hiding plaintext lengths up to multiples of
    /// <paramref name="paddingBucket"/> bytes (0 turns length hiding off; otherwise a multiple of 16 up to 64 KiB).
    /// </summary>
    public static MessageProtection Create(MessageSuite suite, int paddingBucket = 0)
    {
        MacAlgorithm mac = suite switch
        {
            MessageSuite.AesCbcHmacSha256 => MacAlgorithm.HmacSha256,
            MessageSuite.AesCbcBlake2b256 => MacAlgorithm.Blake2b256,
            _ => throw Error.OutOfRange(nameof(suite), suite, "Unknown message suite."),
        };

        if (paddingBucket < 0 || paddingBucket > 65536 || paddingBucket % AesCbc.BlockSize != 0)
        {
            throw Error.OutOfRange(nameof(paddingBucket), paddingBucket, "The padding bucket is 0 or a multiple of 16 up to 65536.");
        }

        return new MessageProtection(suite, mac, paddingBucket);
    }

    /// <summary>The exact length of the sealed form of a <paramref name="plaintextLength"/>-byte message.</summary>
    public int GetSealedLength(int plaintextLength)
    {
        if (plaintextLength is < 0 or > MaxPlaintextLength)
        {
            throw Error.OutOfRange(nameof(plaintextLength), plaintextLength, "A message is 0 to 16 MiB.");
        }

        int ciphertextLength = PaddingBucket == 0
            ? ((plaintextLength / AesCbc.BlockSize) + 1) * AesCbc.BlockSize
            : LengthHiding.PaddedLength(plaintextLength, PaddingBucket);
        return IvSize + ciphertextLength + TagSize;
    }

    /// <summary>Seals <paramref name="plaintext"/> under <paramref name="key"/>, authenticating <paramref name="associatedData"/> too.</summary>
    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        byte[] sealedMessage = new byte[GetSealedLength(plaintext.Length)];
        Seal(key, associatedData, plaintext, sealedMessage);
        return sealedMessage;
    }

    /// <summary>Seals into <paramref name="destination"/>, which must be exactly <see cref="GetSealedLength"/> bytes.</summary>
    public void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        RandomNumberGenerator.Fill(iv);
        Seal(key, iv, associatedData, plaintext, destination);
    }

    /// <summary>
    /// Seals with a given IV: fresh random IVs fetched in batches (the record layer), or fixed ones for a
    /// deterministic test transcript. Never reuse one under a key: it would leak plaintext equality.
    /// </summary>
    internal void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination) =>
        Seal(null, key, iv, associatedData, plaintext, destination);

    /// <summary>As the seal with a given IV, encrypting with <paramref name="cipher"/> if there is one (a sealer's, kept across records).</summary>
    internal void Seal(AesCbc? cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ValidateKey(key);
        int sealedLength = GetSealedLength(plaintext.Length);
        if (destination.Length != sealedLength)
        {
            throw Error.Length(nameof(destination), sealedLength, destination.Length);
        }

        if (iv.Length != IvSize)
        {
            throw Error.Length(nameof(iv), IvSize, iv.Length);
        }

        // The IV is written before the plaintext is read and the tag after the data is read: overlapping
        // buffers would silently give a wrong record.
        if (destination.Overlaps(plaintext))
        {
            throw Error.Overlap(nameof(destination), nameof(plaintext));
        }

        if (destination.Overlaps(associatedData))
        {
            throw Error.Overlap(nameof(destination), nameof(associatedData));
        }

        ReadOnlySpan<byte> macKey = key[..MacKeySize];
        ReadOnlySpan<byte> encryptionKey = key[MacKeySize..];
        Span<byte> body = destination[..^TagSize];
        iv.CopyTo(body);

        if (PaddingBucket == 0)
        {
            Encrypt(cipher, encryptionKey, iv, plaintext, body[IvSize..], PaddingMode.PKCS7);
        }
        else
        {
            int paddedLength = LengthHiding.PaddedLength(plaintext.Length, PaddingBucket);
            byte[]? rented = null;
            Span<byte> padded = paddedLength <= StackLimit
                ? stackalloc byte[StackLimit]
                : (rented = ArrayPool<byte>.Shared.Rent(paddedLength));
            padded = padded[..paddedLength];
            try
            {
                LengthHiding.Pad(plaintext, padded);
                Encrypt(cipher, encryptionKey, iv, padded, body[IvSize..], PaddingMode.None);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(padded);
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        ComputeTag(macKey, associatedData, body, destination[^TagSize..]);
    }

    /// <summary>
    /// Opens <paramref name="sealedMessage"/> into <paramref name="destination"/> (at least
    /// <c>sealedMessage.Length - 48</c> bytes). Returns <see langword="false"/>, leaving no plaintext in
    /// <paramref name="destination"/> (it may have been zeroed), if the message is truncated or malformed or
    /// its tag does not verify under the key's MAC half and the associated data.
    /// </summary>
    /// <remarks>
    /// The two halves of the key are independent keys cut from one KDF output, as in RFC 7518: authenticity
    /// rests on the MAC half, and a key with the right MAC half but another encryption half cannot arise
    /// from the key schedule.
    /// </remarks>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, Span<byte> destination, out int bytesWritten) =>
        TryOpen(null, key, associatedData, sealedMessage, destination, out bytesWritten);

    /// <summary>As the public open, decrypting with <paramref name="cipher"/> if there is one (an opener's, kept across records).</summary>
    internal bool TryOpen(AesCbc? cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, Span<byte> destination, out int bytesWritten)
    {
        ValidateKey(key);
        bytesWritten = 0;
        int bodyLength = sealedMessage.Length - IvSize - TagSize;
        if (sealedMessage.Length < MinimumSealedLength || sealedMessage.Length > MaxSealedLength || bodyLength % AesCbc.BlockSize != 0)
        {
            return false;
        }

        if (destination.Length < bodyLength)
        {
            throw Error.DestinationTooSmall(nameof(destination), bodyLength, destination.Length);
        }

        ReadOnlySpan<byte> macKey = key[..MacKeySize];
        ReadOnlySpan<byte> encryptionKey = key[MacKeySize..];
        ReadOnlySpan<byte> body = sealedMessage[..^TagSize];
        if (!VerifyTag(macKey, associatedData, body, sealedMessage[^TagSize..]))
        {
            return false;
        }

        ReadOnlySpan<byte> iv = body[..IvSize];
        ReadOnlySpan<byte> ciphertext = body[IvSize..];
        if (PaddingBucket == 0)
        {
            return TryDecrypt(cipher, encryptionKey, iv, ciphertext, destination, PaddingMode.PKCS7, out bytesWritten);
        }

        byte[]? rented = null;
        Span<byte> padded = ciphertext.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length));
        try
        {
            if (!TryDecrypt(cipher, encryptionKey, iv, ciphertext, padded, PaddingMode.None, out int paddedLength))
            {
                return false;
            }

            int length = LengthHiding.UnpaddedLength(padded[..paddedLength]);
            if (length < 0)
            {
                return false;
            }

            padded[..length].CopyTo(destination);
            bytesWritten = length;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Opens a sealed message; <see langword="false"/> (and no plaintext) if it is not authentic.</summary>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        int capacity = Math.Max(0, sealedMessage.Length - IvSize - TagSize);
        byte[] buffer = new byte[capacity];
        if (!TryOpen(key, associatedData, sealedMessage, buffer, out int written))
        {
            return false;
        }

        if (written == buffer.Length)
        {
            plaintext = buffer;
        }
        else
        {
            plaintext = buffer[..written];
            CryptographicOperations.ZeroMemory(buffer);
        }

        return true;
    }

    /// <summary>Opens a sealed message or throws <see cref="AuthenticationFailedException"/>.</summary>
    public byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage)
    {
        if (!TryOpen(key, associatedData, sealedMessage, out byte[]? plaintext))
        {
            throw Error.AuthenticationFailed();
        }

        return plaintext;
    }

    /// <inheritdoc />
    public override string ToString() =>
        PaddingBucket == 0 ? $"AES-256-CBC + {Mac.Name}" : $"AES-256-CBC + {Mac.Name}, padded to {PaddingBucket}";

    // The tag input, the same for sealing and opening: uint64-be(len(AD)) ‖ AD ‖ IV ‖ ciphertext.
    private void ComputeTag(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ivAndCiphertext, Span<byte> tag)
    {
        Span<byte> lengthPrefix = stackalloc byte[LengthPrefixSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengthPrefix, (ulong)associatedData.Length);
        Mac.ComputeCore(macKey, lengthPrefix, associatedData, ivAndCiphertext, tag);
    }

    private bool VerifyTag(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ivAndCiphertext, ReadOnlySpan<byte> tag)
    {
        Span<byte> lengthPrefix = stackalloc byte[LengthPrefixSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengthPrefix, (ulong)associatedData.Length);
        return Mac.VerifyCore(macKey, lengthPrefix, associatedData, ivAndCiphertext, tag);
    }

    private static int Encrypt(AesCbc? cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination, PaddingMode padding) =>
        cipher is null
            ? AesCbc.Encrypt(key, iv, plaintext, destination, padding)
            : cipher.EncryptRecord(key, iv, plaintext, destination, padding);

    private static bool TryDecrypt(AesCbc? cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, PaddingMode padding, out int bytesWritten) =>
        cipher is null
            ? AesCbc.TryDecrypt(key, iv, ciphertext, destination, padding, out bytesWritten)
            : cipher.TryDecryptRecord(key, iv, ciphertext, destination, padding, out bytesWritten);

    private static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw Error.Length(nameof(key), KeySize, key.Length);
        }
    }
}
