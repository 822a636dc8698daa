using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>Loopback helpers for the command-line peers: a free port, and our own 127.0.0.N source addresses.</summary>
internal static class Loopback
{
    private static int _nextHost = 40 + Environment.ProcessId % 100;

    /// <summary>A TCP port free on 127.0.0.1 right now (the peer binds it next).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>A source address 127.0.0.N not used before in this run (Transmission remembers peers by address).</summary>
    public static IPEndPoint NextSource() => new(new IPAddress([127, 0, 0, (byte)(Interlocked.Increment(ref _nextHost) % 250 + 2)]), 0);

    /// <summary>A listener on 127.0.0.1 with a free port.</summary>
    public static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }
}
