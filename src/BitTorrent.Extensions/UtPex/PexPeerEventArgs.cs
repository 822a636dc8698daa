using System.Net;

namespace BitTorrent.Extensions;

/// <summary>A peer the remote side added or dropped in a ut_pex message.</summary>
public sealed class PexPeerEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public PexPeerEventArgs(IPEndPoint endPoint, PexFlags flags)
    {
        EndPoint = endPoint;
        Flags = flags;
    }

    /// <summary>The peer's address and port.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Its flags (always <see cref="PexFlags.None"/> for a dropped peer).</summary>
    public PexFlags Flags { get; }

    /// <summary>True for an IPv6 peer.</summary>
    public bool IsIPv6 => EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
}
