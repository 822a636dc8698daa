namespace BitTorrent.Wire;

/// <summary>Peer wire message ids (BEP 3, BEP 5, BEP 6, BEP 10).</summary>
public enum MessageId : byte
{
    /// <summary>choke</summary>
    Choke = 0,
    /// <summary>unchoke</summary>
    Unchoke = 1,
    /// <summary>interested</summary>
    Interested = 2,
    /// <summary>not interested</summary>
    NotInterested = 3,
    /// <summary>have &lt;index&gt;</summary>
    Have = 4,
    /// <summary>bitfield &lt;bits&gt;</summary>
    Bitfield = 5,
    /// <summary>request &lt;index&gt;&lt;begin&gt;&lt;length&gt;</summary>
    Request = 6,
    /// <summary>piece &lt;index&gt;&lt;begin&gt;&lt;block&gt;</summary>
    Piece = 7,
    /// <summary>cancel &lt;index&gt;&lt;begin&gt;&lt;length&gt;</summary>
    Cancel = 8,
    /// <summary>port &lt;u16&gt; (BEP 5)</summary>
    Port = 9,
    /// <summary>suggest piece (BEP 6)</summary>
    Suggest = 0x0D,
    /// <summary>have all (BEP 6)</summary>
    HaveAll = 0x0E,
    /// <summary>have none (BEP 6)</summary>
    HaveNone = 0x0F,
    /// <summary>reject request (BEP 6)</summary>
    Reject = 0x10,
    /// <summary>allowed fast (BEP 6)</summary>
    AllowedFast = 0x11,
    /// <summary>extended (BEP 10)</summary>
    Extended = 20,
}
