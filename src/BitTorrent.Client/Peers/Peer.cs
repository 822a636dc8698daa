using System.Net;
using BitTorrent.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Client;

/// <summary>One connection of a torrent, as its loop sees it. Mutated only on the torrent's loop (the wire is thread-safe).</summary>
internal sealed class Peer(Wire.Wire wire, IPEndPoint endPoint, PeerSource source, PeerDirection direction)
{
    private int _slotReleased;

    /// <summary>The connection.</summary>
    public Wire.Wire Wire { get; } = wire;

    /// <summary>
    /// Gives back the engine connection slot this connection holds, once, whichever thread sees it end first: the loop,
    /// or the wire's thread when the loop has already stopped and would never run the close.
    /// </summary>
    public void ReleaseSlot(ClientEngine engine)
    {
        if (Interlocked.Exchange(ref _slotReleased, 1) == 0) engine.ReleaseConnection();
    }

    /// <summary>The address of the connection.</summary>
    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>How we learned of the peer.</summary>
    public PeerSource Source { get; } = source;

    /// <summary>Who dialled.</summary>
    public PeerDirection Direction { get; } = direction;

    /// <summary>The peer id from its handshake.</summary>
    public PeerId PeerId { get; set; }

    /// <summary>The address the peer accepts connections on, when known (outgoing: the dialled address; incoming: its <c>p</c>).</summary>
    public IPEndPoint? ListenEndPoint { get; set; }

    /// <summary>The peer's pieces (grows before the metadata is known; cut to the piece count after).</summary>
    public BitField Pieces { get; } = new();

    /// <summary>The client name from the extended handshake's <c>v</c>.</summary>
    public string? ClientVersion { get; set; }

    /// <summary>ut_pex on this wire.</summary>
    public UtPex? Pex { get; set; }

    /// <summary>lt_donthave on this wire.</summary>
    public LtDontHave? DontHave { get; set; }

    /// <summary>ut_metadata on this wire.</summary>
    public UtMetadata? Metadata { get; set; }

    /// <summary>True once the loop admitted the connection to the torrent.</summary>
    public bool Admitted { get; set; }

    /// <summary>True once the loop handled the connection's close.</summary>
    public bool Gone { get; set; }

    /// <summary>Our requests to the peer now in flight (their completions not yet handled by the loop).</summary>
    public int InFlight { get; set; }

    /// <summary>
    /// The most requests we keep in flight to the peer: one below its <c>reqq</c> (Transmission 3.00 advertises 512 and
    /// rejects the 512th), at most 500; 16 when it sent none. How many we do keep is set by <see cref="Pipeline"/>.
    /// </summary>
    public int QueueDepth { get; set; } = 16;

    /// <summary>How many requests cover the time we want queued at the peer's measured rate.</summary>
    public required RequestPipeline Pipeline { get; init; }

    /// <summary>
    /// Slow start: until <see cref="SlowStartEnds"/> the depth is at least this, which grows by one per block received
    /// (doubling every round trip, as TCP's window does), because the rate meter averages over five seconds and
    /// under-reads a new connection. 0 once slow start is over.
    /// </summary>
    public int SlowStartDepth { get; set; } = RequestPipelineOptions.DefaultMinOutstanding;

    /// <summary>When slow start ends (the loop's clock): a meter window after the first block; 0 before any block.</summary>
    public long SlowStartEnds { get; set; }

    /// <summary>Pieces the peer contributed to that failed the hash check.</summary>
    public int HashFailures { get; set; }

    /// <summary>When the loop admitted the connection (the loop's clock).</summary>
    public long ConnectedAt { get; set; }

    /// <summary>When the peer last delivered a block, or when requests to it began after none were in flight (the
    /// loop's clock): the start of the snub clock.</summary>
    public long LastBlockTimestamp { get; set; }

    /// <summary>True when the peer has every piece.</summary>
    public bool IsSeed(int pieceCount) => Pieces.HasAll || (pieceCount > 0 && Pieces.Count >= pieceCount);

    /// <summary>The client's name: its <c>v</c>, else its Azureus-style peer id prefix.</summary>
    public string Client
    {
        get
        {
            if (ClientVersion is { Length: > 0 } v) return v;
            var id = PeerId.Span;
            return id[0] == (byte)'-' && id[7] == (byte)'-' ? System.Text.Encoding.ASCII.GetString(id[1..7]) : "";
        }
    }
}
