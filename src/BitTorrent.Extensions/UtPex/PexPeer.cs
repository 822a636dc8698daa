using System.Net;

namespace BitTorrent.Extensions;

/// <summary>A peer listed in a ut_pex <c>added</c>/<c>added6</c> list: its address and its flags.</summary>
/// <param name="EndPoint">The peer's IPv4 or IPv6 address and port.</param>
/// <param name="Flags">The flags sent with it (<see cref="PexFlags.None"/> when the message had none).</param>
public readonly record struct PexPeer(IPEndPoint EndPoint, PexFlags Flags);
