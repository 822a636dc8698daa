namespace BitTorrent.Extensions;

/// <summary>The <c>msg_type</c> of a BEP 9 ut_metadata message.</summary>
public enum MetadataMessageType
{
    /// <summary>0: asks for one 16 KiB piece of the info dictionary.</summary>
    Request = 0,
    /// <summary>1: carries one piece, appended after the bencoded dictionary.</summary>
    Data = 1,
    /// <summary>2: the sender will not send the requested piece.</summary>
    Reject = 2,
}
