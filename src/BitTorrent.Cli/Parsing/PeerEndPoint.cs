using System.Globalization;
using System.Net;

namespace BitTorrent.Cli.Parsing;

/// <summary>Peer and node addresses typed on the command line: <c>127.0.0.1:6881</c>, <c>[::1]:6881</c>, <c>localhost:6881</c>.</summary>
internal static class PeerEndPoint
{
    /// <summary>Parses <c>HOST:PORT</c>; a host name resolves to its first address (loopback names need no network).</summary>
    public static bool TryParse(string text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port != 0 && text.Contains(':'))
        {
            endPoint = parsed;
            return true;
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
            return false;
        string host = text[..colon];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            if (addresses.Length == 0) return false;
            endPoint = new IPEndPoint(addresses[0], port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
