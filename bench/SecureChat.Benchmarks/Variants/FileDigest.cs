// The SHA-256 of a file, read through one buffer the caller reuses: what SecureChat's sender computes
// before it offers a file (the offer carries it), and what the file measurement times on its own.
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Variants;

/// <summary>Streaming SHA-256 of files.</summary>
internal static class FileDigest
{
    /// <summary>Opens <paramref name="path"/> for one front-to-back pass.</summary>
    public static SafeFileHandle OpenForReading(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);

    /// <summary>The SHA-256 of the first <paramref name="size"/> bytes of <paramref name="file"/>, read <paramref name="buffer"/>-sized.</summary>
    /// <exception cref="EndOfStreamException">The file is shorter.</exception>
    public static byte[] Sha256(SafeFileHandle file, long size, byte[] buffer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long offset = 0; offset < size;)
        {
            int read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - offset)), offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"The file ended at {offset} of {size} bytes.");
            }

            hash.AppendData(buffer, 0, read);
            offset += read;
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The SHA-256 of the whole file at <paramref name="path"/>, read in chunks of a file message's size.</summary>
    public static byte[] Sha256(string path)
    {
        using SafeFileHandle file = OpenForReading(path);
        return Sha256(file, RandomAccess.GetLength(file), new byte[SecureSession.MaxFileChunkBytes]);
    }
}
