// Message protection: AES-256-CBC with PKCS#7 padding and a fresh random IV, then a MAC (encrypt-then-MAC,
// Bellare and Namprempre 2000; the key split follows RFC 7518 section 5.2.2.1).
//   key (64 bytes)  = MAC key (32) ‖ encryption key (32)
//   sealed          = IV (16) ‖ ciphertext (16·k, k ≥ 1) ‖ tag (32)
//   tag             = MAC(MAC key, uint64-be(len(AD)) ‖ AD ‖ IV ‖ ciphertext)
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
            _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "Unknown message suite."),
        };

        if (paddingBucket < 0 || paddingBucket > 65536 || paddingBucket % AesCbc.BlockSize != 0)
        {
            Error.ThrowOutOfRange(nameof(paddingBucket), paddingBucket, "The padding bucket is 0 or a multiple of 16 up to 65536.");
        }

        return new MessageProtection(suite, mac, paddingBucket);
    }

    /// <summary>The exact length of the sealed form of a <paramref name="plaintextLength"/>-byte message.</summary>
    public int GetSealedLength(int plaintextLength)
    {
        if (plaintextLength is < 0 or > MaxPlaintextLength)
        {
            Error.ThrowOutOfRange(nameof(plaintextLength), plaintextLength, "A message is 0 to 16 MiB.");
        }

        return IvSize + CiphertextLength(EncryptedLength(plaintextLength)) + TagSize;
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

    /// <summary>Seals with a given IV. Only for deterministic test transcripts: a reused IV leaks plaintext equality.</summary>
    internal void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ValidateKey(key);
        int sealedLength = GetSealedLength(plaintext.Length);
        if (destination.Length != sealedLength)
        {
            Error.ThrowLength(nameof(destination), sealedLength, destination.Length);
        }

        if (iv.Length != IvSize)
        {
            Error.ThrowLength(nameof(iv), IvSize, iv.Length);
        }

        ReadOnlySpan<byte> macKey = key[..MacKeySize];
        ReadOnlySpan<byte> encryptionKey = key[MacKeySize..];
        Span<byte> body = destination[..^TagSize];
        iv.CopyTo(body);

        if (PaddingBucket == 0)
        {
            AesCbc.Encrypt(encryptionKey, iv, plaintext, body[IvSize..], PaddingMode.PKCS7);
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
                AesCbc.Encrypt(encryptionKey, iv, padded, body[IvSize..], PaddingMode.PKCS7);
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

        Span<byte> lengthPrefix = stackalloc byte[LengthPrefixSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengthPrefix, (ulong)associatedData.Length);
        Mac.ComputeCore(macKey, lengthPrefix, associatedData, body, destination[^TagSize..]);
    }

    /// <summary>
    /// Opens <paramref name="sealedMessage"/> into <paramref name="destination"/> (at least
    /// <c>sealedMessage.Length - 48</c> bytes). Returns <see langword="false"/>, writing nothing, if the
    /// message is not authentic under this key and associated data, or is truncated or malformed.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage, Span<byte> destination, out int bytesWritten)
    {
        ValidateKey(key);
        bytesWritten = 0;
        int bodyLength = sealedMessage.Length - IvSize - TagSize;
        if (sealedMessage.Length < MinimumSealedLength || bodyLength % AesCbc.BlockSize != 0)
        {
            return false;
        }

        if (destination.Length < bodyLength)
        {
            Error.ThrowDestinationTooSmall(nameof(destination), bodyLength, destination.Length);
        }

        ReadOnlySpan<byte> macKey = key[..MacKeySize];
        ReadOnlySpan<byte> encryptionKey = key[MacKeySize..];
        ReadOnlySpan<byte> body = sealedMessage[..^TagSize];
        Span<byte> lengthPrefix = stackalloc byte[LengthPrefixSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengthPrefix, (ulong)associatedData.Length);
        if (!Mac.VerifyCore(macKey, lengthPrefix, associatedData, body, sealedMessage[^TagSize..]))
        {
            return false;
        }

        ReadOnlySpan<byte> iv = body[..IvSize];
        ReadOnlySpan<byte> ciphertext = body[IvSize..];
        if (PaddingBucket == 0)
        {
            return AesCbc.TryDecrypt(encryptionKey, iv, ciphertext, destination, PaddingMode.PKCS7, out bytesWritten);
        }

        byte[]? rented = null;
        Span<byte> padded = ciphertext.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length));
        try
        {
            if (!AesCbc.TryDecrypt(encryptionKey, iv, ciphertext, padded, PaddingMode.PKCS7, out int paddedLength))
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

        plaintext = written == buffer.Length ? buffer : buffer[..written];
        if (!ReferenceEquals(plaintext, buffer))
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        return true;
    }

    /// <summary>Opens a sealed message or throws <see cref="AuthenticationFailedException"/>.</summary>
    public byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedMessage)
    {
        if (!TryOpen(key, associatedData, sealedMessage, out byte[]? plaintext))
        {
            Error.ThrowAuthenticationFailed();
        }

        return plaintext;
    }

    /// <inheritdoc />
    public override string ToString() =>
        PaddingBucket == 0 ? $"AES-256-CBC + {Mac.Name}" : $"AES-256-CBC + {Mac.Name}, padded to {PaddingBucket}";

    private static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            Error.ThrowLength(nameof(key), KeySize, key.Length);
        }
    }

    private static int CiphertextLength(int encryptedLength) => ((encryptedLength / AesCbc.BlockSize) + 1) * AesCbc.BlockSize;

    private int EncryptedLength(int plaintextLength) =>
        PaddingBucket == 0 ? plaintextLength : LengthHiding.PaddedLength(plaintextLength, PaddingBucket);
}
