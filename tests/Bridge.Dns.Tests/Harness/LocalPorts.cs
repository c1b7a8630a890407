using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Dns.Tests.Harness;

/// Hands out ports on 127.0.0.1 that are free for both TCP and UDP, never the same one twice in a process.
public static class LocalPorts
{
    /// Optional "low-high" range to probe (for example 44000-44999); unset lets the kernel choose.
    public const string RangeVariable = "BRIDGE_DNS_TEST_PORTS";

    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Allocate()
    {
        var range = Range();
        lock (Gate)
        {
            if (range is { } r)
            {
                var size = r.High - r.Low + 1;
                var offset = Random.Shared.Next(size);
                for (var i = 0; i < size; i++)
                {
                    var port = r.Low + ((offset + i) % size);
                    if (!Given.Contains(port) && IsFree(port))
                    {
                        Given.Add(port);
                        return port;
                    }
                }

                throw new InvalidOperationException($"no free port on 127.0.0.1 in {RangeVariable}={r.Low}-{r.High}");
            }

            for (var attempt = 0; attempt < 100; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException("the kernel offered no port on 127.0.0.1 that is free for both TCP and UDP");
        }
    }

    /// Whether nothing holds <paramref name="port"/> on 127.0.0.1, for TCP or for UDP.
    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Low, int High)? Range()
    {
        var text = Environment.GetEnvironmentVariable(RangeVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            && low is > 0 and <= 65535 && high >= low && high <= 65535)
        {
            return (low, high);
        }

        throw new InvalidOperationException($"{RangeVariable}={text} is not a port range like 44000-44999");
    }
}
