namespace Bridge.Core.Serials;

/// <summary>For one zone: the newest serial ever seen on the peer, and ever served here.</summary>
public sealed record ZoneSerialState(long? PeerMax, long? LocalMax)
{
    public ZoneSerialState WithPeer(long serial) => this with { PeerMax = PeerMax is { } p ? Serial.Newest(p, serial) : serial };

    public ZoneSerialState WithLocal(long serial) => this with { LocalMax = LocalMax is { } l ? Serial.Newest(l, serial) : serial };

    /// <summary>The newest of everything known for the zone, and <paramref name="others"/>.</summary>
    public long Newest(params ReadOnlySpan<long> others)
    {
        var all = new List<long>(others.ToArray());
        if (PeerMax is { } p)
        {
            all.Add(p);
        }

        if (LocalMax is { } l)
        {
            all.Add(l);
        }

        return Serial.Newest(all[0], [.. all.Skip(1)]);
    }
}
