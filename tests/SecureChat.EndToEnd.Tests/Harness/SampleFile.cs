// Files for the transfer tests: random bytes of a chosen size (seeded, so a failure can be reproduced),
// and the SHA-256 the test computes itself to compare what arrived with what was sent.
using System.Security.Cryptography;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Makes and checks the files the tests send.</summary>
public static class SampleFile
{
    /// <summary>Writes <paramref name="size"/> random bytes (from <paramref name="seed"/>) to <paramref name="path"/>, creating its folder.</summary>
    public static string Create(string path, int size, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The SHA-256 of the file at <paramref name="path"/>, in lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every file and folder under <paramref name="root"/>, as paths relative to it, sorted.</summary>
    public static IReadOnlyList<string> Tree(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p))
            .Order(StringComparer.Ordinal)];
}
