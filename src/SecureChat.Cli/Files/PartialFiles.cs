// The partial files of a receive folder, each owned by one peer key and one transfer. A partial's name is
// random (".securechat-partial-<32 hex digits>", nothing a peer or another user can predict) and it is
// created exclusively (O_CREAT|O_EXCL, which refuses anything already there, a planted link included)
// with mode 0600. Beside it, created the same way, a small sidecar records whose it is (the peer's key
// fingerprint), what it will be (name, size, SHA-256) and which file it is (device and inode). A partial
// is only reopened after checking, before and after the open, that the name still holds that same
// regular file, owned by us, with one link: a link, hard link or FIFO put in its place is never written.
// Every name is used through the receive folder (ReceiveFolder.Open.cs): on Linux relative to the folder
// opened once, with no-follow opens, so neither the folder nor a file in it can be swapped between a check
// and its use.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Cli.Files;

/// <summary>One partial file: whose it is, what it will become, and which file on disk it is.</summary>
/// <param name="Id">The transfer's random id, which names the partial and its sidecar.</param>
/// <param name="Peer">The sending peer's key fingerprint (hex).</param>
/// <param name="Name">The safe name it will get.</param>
/// <param name="Size">The offered size.</param>
/// <param name="Sha256">The offered SHA-256 (hex).</param>
/// <param name="Device">The device it was created on (0 where unknown).</param>
/// <param name="Inode">Its inode (0 where unknown).</param>
public sealed record PartialFile(string Id, string Peer, string Name, long Size, string Sha256, ulong Device, ulong Inode);

/// <summary>A partial file is not the one we created (a link, another file, or gone).</summary>
public sealed class PartialFileException(string message) : IOException(message);

/// <summary>Creates, finds, reopens and removes the partial files of one receive folder.</summary>
public sealed class PartialFiles
{
    /// <summary>How every partial file's name starts.</summary>
    public const string Prefix = ".securechat-partial-";

    private const string SidecarSuffix = ".meta";
    private const string LegacySuffix = ".securechat-partial";
    private const string Magic = "securechat-partial 1";

    private readonly ReceiveFolder _folder;

    /// <summary>The partial files of <paramref name="folder"/>.</summary>
    public PartialFiles(ReceiveFolder folder)
    {
        _folder = folder;
    }

    /// <summary>The full path of a partial file.</summary>
    public string PathOf(PartialFile partial) => Path.Combine(_folder.Folder, Prefix + partial.Id);

    /// <summary>Every partial file recorded in the folder (sidecars that cannot be read are skipped).</summary>
    public IReadOnlyList<PartialFile> List()
    {
        if (!Directory.Exists(_folder.Folder))
        {
            return [];
        }

        List<PartialFile> found = [];
        foreach (string sidecar in _folder.Names(Prefix + "*" + SidecarSuffix))
        {
            if (Read(sidecar) is { } partial)
            {
                found.Add(partial);
            }
        }

        return found;
    }

    /// <summary>The partial file of this peer for a file of this size and hash, if there is one.</summary>
    public PartialFile? Find(string peer, long size, ReadOnlySpan<byte> sha256)
    {
        string hash = Convert.ToHexStringLower(sha256);
        return List().FirstOrDefault(p => p.Peer == peer && p.Size == size && p.Sha256 == hash);
    }

    /// <summary>Bytes held in a partial file (0 if it is not a regular file).</summary>
    public long Held(PartialFile partial)
    {
        return _folder.StatOf(Prefix + partial.Id) is { Kind: EntryKind.Regular } status ? status.Size : 0;
    }

    /// <summary>Creates a new, empty partial file for <paramref name="peer"/>'s file and returns it, open.</summary>
    /// <exception cref="IOException">It could not be created.</exception>
    public (PartialFile Partial, SafeFileHandle File) Create(string peer, string name, long size, ReadOnlySpan<byte> sha256)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string file = Prefix + id;
        FileStatus created;
        using (FileStream stream = _folder.CreateNew(file, FileAccess.Write))
        {
            created = NativeFile.FStat(stream.SafeFileHandle);
        }

        var partial = new PartialFile(id, peer, name, size, Convert.ToHexStringLower(sha256), created.Device, created.Inode);
        try
        {
            using (FileStream sidecar = _folder.CreateNew(file + SidecarSuffix, FileAccess.Write))
            {
                sidecar.Write(Encoding.UTF8.GetBytes(Format(partial)));
            }

            return (partial, Open(partial));
        }
        catch
        {
            Remove(partial);
            throw;
        }
    }

    /// <summary>Reopens a partial file for writing, only if it is still the regular file we created.</summary>
    /// <exception cref="PartialFileException">The name holds something else now.</exception>
    public SafeFileHandle Open(PartialFile partial)
    {
        string name = Prefix + partial.Id;
        Check(partial, _folder.StatOf(name) ?? throw new PartialFileException("the partial file is gone"));
        SafeFileHandle handle;
        try
        {
            handle = _folder.OpenExisting(name, FileAccess.ReadWrite);
        }
        catch (IOException e) when (e is not PartialFileException)
        {
            throw new PartialFileException($"the partial file cannot be reopened ({e.Message})");
        }

        try
        {
            // Checked again through the handle: what was swapped in between the two looks is not written.
            Check(partial, NativeFile.FStat(handle));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Removes a partial file and its sidecar (a link in its place is removed, never followed).</summary>
    public void Remove(PartialFile partial)
    {
        string name = Prefix + partial.Id;
        _folder.Delete(name);
        _folder.Delete(name + SidecarSuffix);
    }

    /// <summary>
    /// Makes room for one more partial file of <paramref name="peer"/>: removes its oldest ones while it has
    /// <paramref name="maxCount"/> or more, or holds <paramref name="maxBytes"/> or more; returns those removed.
    /// </summary>
    public IReadOnlyList<PartialFile> MakeRoom(string peer, int maxCount, long maxBytes)
    {
        List<(PartialFile Partial, long Held, DateTime Written)> mine =
            [.. List().Where(p => p.Peer == peer).Select(p => (p, Held(p), LastWritten(p))).OrderBy(x => x.Item3)];
        List<PartialFile> removed = [];
        long held = mine.Sum(x => x.Held);
        while (mine.Count > 0 && (mine.Count >= maxCount || held >= maxBytes))
        {
            Remove(mine[0].Partial);
            removed.Add(mine[0].Partial);
            held -= mine[0].Held;
            mine.RemoveAt(0);
        }

        return removed;
    }

    /// <summary>Removes the partial files last written before <paramref name="cutoff"/>; returns those removed.</summary>
    public IReadOnlyList<PartialFile> RemoveOlderThan(DateTime cutoff)
    {
        List<PartialFile> old = [.. List().Where(p => LastWritten(p) < cutoff)];
        old.ForEach(Remove);
        return old;
    }

    /// <summary>
    /// Removes every partial file of <paramref name="peer"/>, or of everyone when null (with anything named
    /// like a partial file, sidecar or not, and those of earlier versions); returns how many entries went.
    /// </summary>
    public int RemoveAll(string? peer)
    {
        if (!Directory.Exists(_folder.Folder))
        {
            return 0;
        }

        if (peer is not null)
        {
            List<PartialFile> theirs = [.. List().Where(p => p.Peer == peer)];
            theirs.ForEach(Remove);
            return theirs.Count;
        }

        int count = 0;
        foreach (string name in _folder.Names("*"))
        {
            if ((name.StartsWith(Prefix, StringComparison.Ordinal) && !name.EndsWith(SidecarSuffix, StringComparison.Ordinal))
                || (name.StartsWith('.') && name.EndsWith(LegacySuffix, StringComparison.Ordinal)))
            {
                _folder.Delete(name);
                _folder.Delete(name + SidecarSuffix);
                count++;
            }
        }

        return count;
    }

    private static void Check(PartialFile partial, FileStatus status)
    {
        string? wrong = status switch
        {
            { Kind: not EntryKind.Regular } => $"the partial file's name now holds a {status.Kind}, not our file",
            { Links: not 1 } => "the partial file has other names (hard links)",
            _ when NativeFile.EffectiveUser is { } me && status.Owner != me => "the partial file belongs to another user",
            _ when NativeFile.KnowsIdentity && (status.Device != partial.Device || status.Inode != partial.Inode) => "the partial file was replaced by another file",
            _ => null,
        };
        if (wrong is not null)
        {
            throw new PartialFileException(wrong);
        }
    }

    private DateTime LastWritten(PartialFile partial)
    {
        string path = PathOf(partial);
        return NativeFile.LStat(path) is { Kind: EntryKind.Regular } ? File.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path + SidecarSuffix);
    }

    private static string Format(PartialFile p) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Magic}\npeer {p.Peer}\nsize {p.Size}\nsha256 {p.Sha256}\ndevice {p.Device}\ninode {p.Inode}\nname {p.Name}\n");

    // A sidecar is only believed if it is a regular file of ours and well-formed; anything else is skipped.
    // It is opened without following a link or blocking on a FIFO, and checked through the open handle.
    private PartialFile? Read(string sidecar)
    {
        try
        {
            if (!NativeFile.KnowsIdentity && NativeFile.LStat(Path.Combine(_folder.Folder, sidecar)) is not { Kind: EntryKind.Regular })
            {
                return null; // where there is no O_NONBLOCK open, a FIFO is not opened at all
            }

            using SafeFileHandle handle = _folder.OpenExisting(sidecar, FileAccess.Read);
            if (NativeFile.FStat(handle) is not { Kind: EntryKind.Regular, Links: 1 } status
                || (NativeFile.EffectiveUser is { } me && status.Owner != me)
                || RandomAccess.GetLength(handle) > 4096)
            {
                return null;
            }

            Dictionary<string, string> fields = [];
            byte[] content = new byte[RandomAccess.GetLength(handle)];
            int read = RandomAccess.Read(handle, content, 0);
            string[] lines = Encoding.UTF8.GetString(content, 0, read).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == 0 || lines[0] != Magic)
            {
                return null;
            }

            foreach (string line in lines.Skip(1))
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0)
                {
                    fields[line[..space]] = line[(space + 1)..];
                }
            }

            string id = sidecar[Prefix.Length..^SidecarSuffix.Length];
            return new PartialFile(
                id,
                fields["peer"],
                fields["name"],
                long.Parse(fields["size"], CultureInfo.InvariantCulture),
                fields["sha256"],
                ulong.Parse(fields["device"], CultureInfo.InvariantCulture),
                ulong.Parse(fields["inode"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
