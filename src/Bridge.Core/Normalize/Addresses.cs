using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Core.Normalize;

/// <summary>Strict parsing of IP addresses and their one canonical text (IPv6 compressed, lower case).</summary>
public static class Addresses
{
    /// <summary>
    /// Parses an IPv4 dotted quad (exactly four decimal parts, each 0-255) or an IPv6 address. Unlike
    /// <see cref="IPAddress.TryParse(string, out IPAddress)"/> it refuses <c>10.1</c>, <c>0x7f.1.1.1</c>, <c>010.1.1.1</c>, brackets, ports and zone ids.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IPAddress? address) => TryParseExact(text.Trim(), out address);

    /// <summary>As <see cref="TryParse"/>, without trimming white space first: the text must be the address and nothing else.</summary>
    public static bool TryParseExact(string t, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (t.Length == 0 || t.Length > 45)
        {
            return false;
        }

        if (t.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress.TryParse also takes "[2001:db8::1]:80" and zone ids; a zone file takes neither.
            if (!t.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') || !IPAddress.TryParse(t, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        var parts = t.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            // A leading zero is octal to inet_aton and an error to BIND: "010.0.0.1" has no one meaning.
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')
                || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > 255)
            {
                return false;
            }

            bytes[i] = (byte)v;
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>The canonical text of an address, or null when it does not parse.</summary>
    public static string? Canonical(string text) => TryParse(text, out var a) ? a.ToString() : null;
}

/// <summary>
/// Where each source address lands on the standby. By default the active machine's own address, the standby's own address and
/// the service address V all map to V (see <see cref="AddressPolicy"/>).
/// </summary>
public sealed class AddressMap
{
    private readonly Dictionary<string, string> _map;

    public AddressMap(IPAddress serviceAddress, IEnumerable<KeyValuePair<IPAddress, IPAddress>> entries)
    {
        ServiceAddress = serviceAddress;
        _map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (from, to) in entries)
        {
            _map[from.ToString()] = to.ToString();
        }
    }

    /// <summary>V, the floating service address.</summary>
    public IPAddress ServiceAddress { get; }

    /// <summary>Maps a canonical source address; null when the map has no entry for it.</summary>
    public string? Map(string canonicalSource) => _map.GetValueOrDefault(canonicalSource);
}

/// <summary>
/// The configured address rules, turned into an <see cref="AddressMap"/> once both machines' <c>main_ip</c> are known: V, the
/// peer's and the standby's own addresses (configured, or Blech's <c>main_ip</c> of each) all map to V; configured entries win.
/// </summary>
public sealed record AddressPolicy(IPAddress ServiceAddress, IReadOnlyList<KeyValuePair<IPAddress, IPAddress>> Entries, IPAddress? PeerAddress = null, IPAddress? LocalAddress = null)
{
    public AddressMap Build(string? peerMainIp, string? localMainIp)
    {
        var own = new List<IPAddress>();
        foreach (var text in new[] { peerMainIp, localMainIp })
        {
            if (text is not null && Addresses.TryParse(text, out var a))
            {
                own.Add(a);
            }
        }

        if (PeerAddress is not null)
        {
            own.Add(PeerAddress);
        }

        if (LocalAddress is not null)
        {
            own.Add(LocalAddress);
        }

        var entries = new List<KeyValuePair<IPAddress, IPAddress>> { new(ServiceAddress, ServiceAddress) };
        entries.AddRange(own.Select(a => new KeyValuePair<IPAddress, IPAddress>(a, ServiceAddress)));
        entries.AddRange(Entries);
        return new AddressMap(ServiceAddress, entries);
    }
}
