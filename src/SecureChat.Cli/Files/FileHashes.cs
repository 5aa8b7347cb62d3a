// SHA-256 over files on disk: a whole file before it is offered, and the first bytes of one, which is how
// a resumed transfer proves both sides hold the same beginning.
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Files;

/// <summary>Hashes of files and of their beginnings.</summary>
internal static class FileHashes
{
    private const int ReadBuffer = SecureSession.MaxFileChunkBytes;

    internal static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<byte[]> HashPrefixAsync(SafeFileHandle file, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AppendPrefixAsync(file, hash, length, cancellationToken).ConfigureAwait(false);
        return hash.GetHashAndReset();
    }

    internal static async Task AppendPrefixAsync(SafeFileHandle file, IncrementalHash hash, long length, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[ReadBuffer];
        long offset = 0;
        while (offset < length)
        {
            int read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - offset)), offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the file is shorter than it was");
            }

            hash.AppendData(buffer, 0, read);
            offset += read;
        }
    }
}
