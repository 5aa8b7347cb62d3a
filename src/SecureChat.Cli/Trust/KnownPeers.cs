// The known_peers file, SecureChat's known_hosts: which key each peer had when it was first trusted, by
// every label it was met under. Trust on first use is only as good as this record, so it is never left
// half-written (each change is written whole to a temporary file and renamed over the old one), and each
// change is applied to the file as it is now, so a concurrent writer's entries are not lost.
//
// One entry a line: <kind> <value> <fingerprint> <first seen>, for example
//   name alice SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s 2026-11-22T21:00:00Z
// The value is percent-encoded (Uri.EscapeDataString): names come from peers and may hold spaces or '#'.
// Addresses are kept in one canonical spelling, so "::1" and "0:0:0:0:0:0:0:1" (or "LocalHost" and
// "localhost") find the same entry.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        "# SecureChat known peers: <kind> <value> <fingerprint> <first seen, UTC>; values are percent-encoded. " +
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

    /// <summary>The entries in file order, as last loaded or saved.</summary>
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
        return new KnownPeers(fullPath, Read(fullPath).AsReadOnly(), timeProvider);
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
    /// and saves the file at once. Remembering the same fingerprint again keeps the original first-seen time.
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

        List<KnownPeer> entries = Read(Path);
        int index = entries.FindIndex(entry => entry.Label == label);
        if (index < 0 || !entries[index].Fingerprint.Equals(fingerprint))
        {
            var entry = new KnownPeer(label, fingerprint, Now());
            if (index < 0)
            {
                entries.Add(entry);
            }
            else
            {
                entries[index] = entry;
            }

            Save(entries);
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

        List<KnownPeer> entries = Read(Path);
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

    private static List<KnownPeer> Read(string path)
    {
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
        var lineOf = new Dictionary<PeerLabel, int>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int lineNumber = i + 1;
            KnownPeer entry = ParseLine(line) is { } parsed
                ? parsed
                : throw Malformed(path, lineNumber, "expected '<name|address> <percent-encoded value> <SHA256:fingerprint> <yyyy-MM-ddTHH:mm:ssZ>'");

            // One label, one key: a second line for a label would make the answer depend on which line wins.
            if (!lineOf.TryAdd(entry.Label, lineNumber))
            {
                throw Malformed(path, lineNumber, $"{entry.Label.KindText} already listed on line {lineOf[entry.Label]}");
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static KnownPeer? ParseLine(string line)
    {
        string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 4
            && PeerLabel.TryParse(fields[0], Uri.UnescapeDataString(fields[1]), out PeerLabel label)
            && Fingerprint.TryParse(fields[2], out Fingerprint? fingerprint)
            && DateTimeOffset.TryParseExact(
                fields[3], AcceptedTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset firstSeen)
            ? new KnownPeer(label, fingerprint, firstSeen)
            : null;
    }

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
        foreach (KnownPeer entry in entries)
        {
            text.Append(entry.Label.KindText).Append(' ')
                .Append(Uri.EscapeDataString(entry.Label.Value)).Append(' ')
                .Append(entry.Fingerprint).Append(' ')
                .Append(entry.FirstSeen.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append('\n');
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

/// <summary>One remembered key.</summary>
/// <param name="Label">The name or address the key is remembered under.</param>
/// <param name="Fingerprint">The fingerprint of the peer's identity key.</param>
/// <param name="FirstSeen">When this key was first remembered for this label (UTC, whole seconds).</param>
public sealed record KnownPeer(PeerLabel Label, Fingerprint Fingerprint, DateTimeOffset FirstSeen);

/// <summary>Which kind of label a peer is remembered by.</summary>
public enum PeerLabelKind
{
    /// <summary>The display name the peer announced.</summary>
    Name,

    /// <summary>The <c>host:port</c> we connected to.</summary>
    Address,
}

/// <summary>A name or address under which a peer's key is remembered.</summary>
/// <param name="Kind">Whether <paramref name="Value"/> is a name or an address.</param>
/// <param name="Value">The name (as announced), or the address as <c>host:port</c> (<c>[::1]:7878</c> for IPv6).</param>
public readonly record struct PeerLabel(PeerLabelKind Kind, string Value)
{
    /// <summary>The label for a peer's announced name.</summary>
    /// <exception cref="ArgumentException">The name breaks the <see cref="PeerName"/> rules.</exception>
    public static PeerLabel Name(string name) => new(PeerLabelKind.Name, PeerName.Validate(name, nameof(name)));

    /// <summary>The label for the address we connected to; IP addresses and host names are put in canonical form.</summary>
    /// <exception cref="ArgumentException">The host is not an IP address or host name, or the port is not 1 to 65535.</exception>
    public static PeerLabel Address(string host, int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        if (!TryCanonicalHost(host, out string? canonical))
        {
            throw new ArgumentException("The host is not an IP address or a host name.", nameof(host));
        }

        return new(PeerLabelKind.Address, $"{canonical}:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The kind and value, for example <c>name:alice</c> or <c>address:127.0.0.1:7878</c>.</summary>
    public override string ToString() => $"{KindText}:{Value}";

    /// <summary>The kind as written in the known-peers file.</summary>
    internal string KindText => Kind == PeerLabelKind.Name ? "name" : "address";

    /// <summary>Whether the label is one the factories could have made, so that what is saved can be loaded again.</summary>
    internal bool IsWellFormed => Kind switch
    {
        PeerLabelKind.Name => IsStoredName(Value),
        PeerLabelKind.Address => Value is not null && TryParseAddress(Value, out PeerLabel canonical) && canonical.Value == Value,
        _ => false,
    };

    /// <summary>Reads a label from its kind and value as the known-peers file writes them.</summary>
    /// <summary>
    /// A name as the file may hold it: names remembered before the Unicode TR39 rules (issue 14) stay readable,
    /// so that a lookalike of them is still caught, though no new one can be announced.
    /// </summary>
    private static bool IsStoredName(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= PeerName.MaxLength && !value.Any(char.IsControl) && value.Trim().Length == value.Length;

    internal static bool TryParse(string kind, string value, out PeerLabel label)
    {
        label = default;
        switch (kind)
        {
            case "name" when IsStoredName(value):
                label = new(PeerLabelKind.Name, value);
                return true;
            case "address":
                return TryParseAddress(value, out label);
            default:
                return false;
        }
    }

    /// <summary>Reads <c>host:port</c> (IPv6 hosts in brackets) into its canonical address label.</summary>
    internal static bool TryParseAddress(string text, out PeerLabel label)
    {
        label = default;
        int colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > IPEndPoint.MaxPort)
        {
            return false;
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!TryCanonicalHost(host, out string? canonical))
        {
            return false;
        }

        label = new(PeerLabelKind.Address, $"{canonical}:{port.ToString(CultureInfo.InvariantCulture)}");
        return true;
    }

    private static bool TryCanonicalHost(string? host, out string? canonical)
    {
        canonical = null;
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the same peer as a.b.c.d.
            if (ip.IsIPv4MappedToIPv6)
            {
                ip = ip.MapToIPv4();
            }

            canonical = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
            return true;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Dns)
        {
            canonical = host.ToLowerInvariant(); // DNS names are case-insensitive
            return true;
        }

        return false;
    }
}
