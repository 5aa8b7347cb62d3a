// The known_peers file, SecureChat's known_hosts: the keys this user trusts, each with the names and
// addresses it was met under. The key is the identity; a name is only remembered beside it for display and
// for finding the key again. Trust on first use is only as good as this record, so it is never left
// half-written (each change is written whole to a temporary file and renamed over the old one), and each
// change is applied to the file as it is now, so a concurrent writer's entries are not lost.
//
// One key a line: <fingerprint> <first seen> <label>[,<label>...], each label <kind>:<value>, for example
//   SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s 2026-11-22T21:00:00Z name:alice,address:127.0.0.1%3A7878
// The value is percent-encoded (Uri.EscapeDataString, which also encodes ',' and ':'): names come from peers
// and may hold spaces or '#'. Addresses are kept in one canonical spelling, so "::1" and "0:0:0:0:0:0:0:1"
// (or "LocalHost" and "localhost") find the same entry. A label belongs to one key only.
//
// The older format, one label a line (<kind> <value> <fingerprint> <first seen>), is still read, and the next change rewrites the whole file one key a line.
using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;
using IOPath = System.IO.Path;

namespace SecureChat.Cli.Trust;

/// <summary>The peers whose keys this user has trusted, kept in a <c>known_peers</c> file like SSH's <c>known_hosts</c>.</summary>
/// <remarks>Not for concurrent use from several threads without a lock of the caller's.</remarks>
public sealed class KnownPeers
{
    private const string Header =
        "# SecureChat known peers, one key a line: <fingerprint> <first seen, UTC> <kind>:<value>[,<kind>:<value>...]; " +
        "values are percent-encoded. " +
        "Remove an entry with 'peers forget <name, host:port or fingerprint>'.";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly string[] AcceptedTimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TimeProvider _time;

    private KnownPeers(string path, IReadOnlyList<KnownPeer> entries, TimeProvider time)
    {
        Path = path;
        Entries = entries;
        _time = time;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>
    /// One entry per label, grouped by key in file order, as last loaded or saved; every label of a key carries
    /// the key's first-seen time.
    /// </summary>
    public IReadOnlyList<KnownPeer> Entries { get; private set; }

    /// <summary>Loads the file; a missing file (or folder) is an empty store, created on the first <see cref="Remember"/>.</summary>
    /// <exception cref="KnownPeersException">The file cannot be read or has a malformed line.</exception>
    public static KnownPeers Load(string path) => Load(path, TimeProvider.System);

    /// <summary>Loads the file, taking the first-seen times of new entries from <paramref name="timeProvider"/>.</summary>
    /// <exception cref="KnownPeersException">The file cannot be read or has a malformed line.</exception>
    public static KnownPeers Load(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        string fullPath = IOPath.GetFullPath(path);
        return new KnownPeers(fullPath, Read(fullPath, out _).AsReadOnly(), timeProvider);
    }

    /// <summary>The fingerprint remembered for <paramref name="label"/>, or null if the label is not known.</summary>
    public Fingerprint? Find(PeerLabel label) => Entries.FirstOrDefault(entry => entry.Label == label)?.Fingerprint;

    /// <summary>
    /// The name entries whose names look like <paramref name="name"/>: the same confusable skeleton (Unicode
    /// TR39), so "bob" and "bоb" with a Cyrillic о are one name here.
    /// </summary>
    public IEnumerable<KnownPeer> FindLookalikes(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string skeleton = PeerName.Skeleton(name);
        return Entries.Where(entry => entry.Label.Kind == PeerLabelKind.Name && PeerName.Skeleton(entry.Label.Value) == skeleton);
    }

    /// <summary>
    /// Remembers <paramref name="fingerprint"/> for <paramref name="label"/>, replacing what was remembered for it,
    /// and saves the file at once (in the one-key-a-line format, whatever the file held before). Remembering the same fingerprint again keeps the original first-seen time.
    /// </summary>
    /// <exception cref="ArgumentException">The label is not one <see cref="PeerLabel.Name"/> or <see cref="PeerLabel.Address"/> could make.</exception>
    /// <exception cref="KnownPeersException">The file cannot be read or written.</exception>
    public void Remember(PeerLabel label, Fingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (!label.IsWellFormed)
        {
            throw new ArgumentException("Make labels with PeerLabel.Name or PeerLabel.Address.", nameof(label));
        }

        List<KnownPeer> entries = Read(Path, out bool oldFormat);
        int index = entries.FindIndex(entry => entry.Label == label);
        if (index < 0 || !entries[index].Fingerprint.Equals(fingerprint))
        {
            // The label moves to the key; a key met before keeps the time it was first trusted.
            DateTimeOffset firstSeen = entries.FirstOrDefault(entry => entry.Fingerprint.Equals(fingerprint))?.FirstSeen ?? Now();
            if (index >= 0)
            {
                entries.RemoveAt(index);
            }

            entries.Add(new KnownPeer(label, fingerprint, firstSeen));
            entries = ByKey(entries);
            Save(entries);
        }
        else if (oldFormat)
        {
            Save(entries); // nothing new to remember, but the file is rewritten one key a line
        }

        Entries = entries.AsReadOnly();
    }

    /// <summary>
    /// Removes every entry whose label value (<c>alice</c>, <c>127.0.0.1:7878</c>), label (<c>name:alice</c>) or
    /// fingerprint is <paramref name="labelOrFingerprint"/>, saves the file, and says how many were removed.
    /// </summary>
    /// <exception cref="KnownPeersException">The file cannot be read or written.</exception>
    public int Forget(string labelOrFingerprint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelOrFingerprint);
        string text = labelOrFingerprint.Trim();
        Fingerprint? fingerprint = Fingerprint.TryParse(text, out Fingerprint? parsed) ? parsed : null;
        PeerLabel? address = PeerLabel.TryParseAddress(text, out PeerLabel canonical) ? canonical : null;

        List<KnownPeer> entries = Read(Path, out _);
        bool IsLabel(KnownPeer entry) => entry.Label.Value == text || entry.Label.ToString() == text || entry.Label == address;

        // A peer may call itself "SHA256:…" after someone else's key: a matching label wins, and only when
        // no label matches is the text taken as a fingerprint (which removes every label of that key).
        bool anyLabel = entries.Any(IsLabel);
        int removed = entries.RemoveAll(entry => anyLabel ? IsLabel(entry) : entry.Fingerprint.Equals(fingerprint));
        if (removed > 0)
        {
            Save(entries);
        }

        Entries = entries.AsReadOnly();
        return removed;
    }

    private DateTimeOffset Now()
    {
        // Whole seconds, as the file stores them, so an entry reads back equal to what was saved.
        DateTimeOffset now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static List<KnownPeer> Read(string path, out bool oldFormat)
    {
        oldFormat = false;
        string text;
        try
        {
            RefuseIfOthersMayWrite(path);
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (DecoderFallbackException e)
        {
            throw new KnownPeersException($"{path} is not UTF-8 text.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KnownPeersException($"{path} cannot be read: {e.Message}", e);
        }

        var entries = new List<KnownPeer>();
        var lineOfLabel = new Dictionary<PeerLabel, int>();
        var lineOfKey = new Dictionary<Fingerprint, int>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int lineNumber = i + 1;
            string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            List<KnownPeer> parsed;
            if (fields.Length == 4)
            {
                oldFormat = true;
                parsed = ParseOldLine(fields) is { } entry
                    ? [entry]
                    : throw Malformed(path, lineNumber, "expected '<name|address> <percent-encoded value> <SHA256:fingerprint> <yyyy-MM-ddTHH:mm:ssZ>'");
            }
            else
            {
                parsed = ParseKeyLine(fields)
                    ?? throw Malformed(path, lineNumber, "expected '<SHA256:fingerprint> <yyyy-MM-ddTHH:mm:ssZ> <name|address>:<percent-encoded value>[,...]'");

                // One key, one line: two lines for a key would give it two first-seen times.
                if (!lineOfKey.TryAdd(parsed[0].Fingerprint, lineNumber))
                {
                    throw Malformed(path, lineNumber, $"key already listed on line {lineOfKey[parsed[0].Fingerprint]}");
                }
            }

            // One label, one key: a label under two keys would make the answer depend on which line wins.
            foreach (KnownPeer entry in parsed)
            {
                if (!lineOfLabel.TryAdd(entry.Label, lineNumber))
                {
                    throw Malformed(path, lineNumber, $"{entry.Label.KindText} already listed on line {lineOfLabel[entry.Label]}");
                }
            }

            entries.AddRange(parsed);
        }

        return ByKey(entries);
    }

    /// <summary>
    /// The entries grouped by key, keys in the order first met, each label carrying its key's earliest
    /// first-seen time (an old-format file kept one time per label).
    /// </summary>
    private static List<KnownPeer> ByKey(List<KnownPeer> entries) =>
        [.. entries.GroupBy(entry => entry.Fingerprint).SelectMany(key =>
        {
            DateTimeOffset firstSeen = key.Min(entry => entry.FirstSeen);
            return key.Select(entry => entry with { FirstSeen = firstSeen });
        })];

    private static List<KnownPeer>? ParseKeyLine(string[] fields)
    {
        if (fields.Length != 3
            || !Fingerprint.TryParse(fields[0], out Fingerprint? fingerprint)
            || !TryParseTime(fields[1], out DateTimeOffset firstSeen))
        {
            return null;
        }

        var entries = new List<KnownPeer>();
        foreach (string text in fields[2].Split(','))
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !PeerLabel.TryParse(text[..colon], Uri.UnescapeDataString(text[(colon + 1)..]), out PeerLabel label))
            {
                return null;
            }

            entries.Add(new KnownPeer(label, fingerprint, firstSeen));
        }

        return entries;
    }

    private static KnownPeer? ParseOldLine(string[] fields) =>
        PeerLabel.TryParse(fields[0], Uri.UnescapeDataString(fields[1]), out PeerLabel label)
        && Fingerprint.TryParse(fields[2], out Fingerprint? fingerprint)
        && TryParseTime(fields[3], out DateTimeOffset firstSeen)
            ? new KnownPeer(label, fingerprint, firstSeen)
            : null;

    private static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(
            text, AcceptedTimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Whoever can write the file decides whom we trust: a file another user owns, or others may write, is not read.</summary>
    private static void RefuseIfOthersMayWrite(string path)
    {
        if (Home.StrictModes.Problem(path) is { } problem)
        {
            throw new KnownPeersException(problem);
        }
    }

    // The line's text is left out of the message: the file may hold anything, and the message goes to a terminal.
    private static KnownPeersException Malformed(string path, int lineNumber, string problem) =>
        new($"{path}, line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {problem}. Fix or delete that line.");

    private void Save(List<KnownPeer> entries)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (IGrouping<Fingerprint, KnownPeer> key in entries.GroupBy(entry => entry.Fingerprint))
        {
            text.Append(key.Key).Append(' ')
                .Append(key.First().FirstSeen.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append(' ')
                .AppendJoin(',', key.Select(entry => $"{entry.Label.KindText}:{Uri.EscapeDataString(entry.Label.Value)}"))
                .Append('\n');
        }

        string directory = IOPath.GetDirectoryName(Path) ?? ".";
        string temporary = IOPath.Combine(
            directory, $".{IOPath.GetFileName(Path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                // Not secret, but whoever can write this file decides whom we trust: keep it the owner's alone.
                options.UnixCreateMode = OwnerReadWrite;
                CreateOwnerOnlyDirectories(directory);
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(StrictUtf8.GetBytes(text.ToString()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new KnownPeersException($"{Path} cannot be written: {e.Message}", e);
        }
    }

    /// <summary>Creates every missing folder on the way to <paramref name="directory"/> with mode 0700 (existing ones are left alone).</summary>
    [UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnlyDirectories(string directory)
    {
        // Directory.CreateDirectory applies its mode to the last folder only; the parents would get the umask's.
        var missing = new Stack<string>();
        for (string? dir = directory; !string.IsNullOrEmpty(dir) && !Directory.Exists(dir); dir = IOPath.GetDirectoryName(dir))
        {
            missing.Push(dir);
        }

        while (missing.TryPop(out string? dir))
        {
            Directory.CreateDirectory(dir, OwnerReadWrite | UnixFileMode.UserExecute);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write failure is what the user needs to see; a leftover temporary file is harmless.
        }
    }
}
