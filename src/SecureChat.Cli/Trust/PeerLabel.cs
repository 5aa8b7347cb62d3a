using SecureChat.Protocol.Handshake;
// The labels a peer's key is remembered beside in known_peers: the name it announced and the addresses we dialled.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Cli.Trust;

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
