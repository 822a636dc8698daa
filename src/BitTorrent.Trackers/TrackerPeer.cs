using System.Net;

namespace BitTorrent.Trackers;

/// <summary>A peer a tracker listed.</summary>
/// <param name="EndPoint">Where the peer accepts connections.</param>
/// <param name="PeerId">Its peer id, when the tracker used the dictionary model and sent one.</param>
public readonly record struct TrackerPeer(IPEndPoint EndPoint, PeerId? PeerId = null);
