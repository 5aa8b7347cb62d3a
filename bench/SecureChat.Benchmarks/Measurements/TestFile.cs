// The file the file measurement moves (issue #7): random bytes of the profile's size, made once per run
// by the parent in a private temporary folder, where each worker's receiving end writes its copy, and
// deleted with that folder when the run ends. It is flushed to disk as soon as it is written, so that the
// kernel's write-back of a gigabyte does not fall into the measurements; its pages stay in the page cache
// (the machine has 24 GiB), so every sender reads memory, not the disk.
using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>The run's test file and where the receivers put their copies.</summary>
internal sealed class TestFile
{
    private const int BlockBytes = 1 << 20;

    private TestFile(string path, long size)
    {
        Path = path;
        Size = size;
    }

    /// <summary>Where the file is.</summary>
    public string Path { get; }

    /// <summary>Its size in bytes.</summary>
    public long Size { get; }

    /// <summary>Makes a new private folder holding <paramref name="size"/> random bytes, on disk; says how long that took.</summary>
    public static (TestFile File, TimeSpan Took) Create(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        long start = Stopwatch.GetTimestamp();
        DirectoryInfo folder = Directory.CreateTempSubdirectory("securechat-bench-file-");
        string path = System.IO.Path.Combine(folder.FullName, "random.bin");
        byte[] block = new byte[BlockBytes];
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (long written = 0; written < size;)
            {
                int length = (int)Math.Min(block.Length, size - written);
                RandomNumberGenerator.Fill(block.AsSpan(0, length));
                stream.Write(block, 0, length);
                written += length;
            }

            stream.Flush(flushToDisk: true);
        }

        return (new TestFile(path, size), Stopwatch.GetElapsedTime(start));
    }

    /// <summary>The file made by <see cref="Create"/> at <paramref name="path"/> (in a worker).</summary>
    public static TestFile Open(string path) => new(path, new FileInfo(path).Length);

    /// <summary>Where <paramref name="variant"/>'s receiving end writes its copy (the measurement deletes it).</summary>
    public string CopyFor(VariantSetup variant) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $"received-{variant.Name}.bin");

    /// <summary>Removes the folder: the file and any copy left by a failed measurement.</summary>
    public void Delete() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
}
