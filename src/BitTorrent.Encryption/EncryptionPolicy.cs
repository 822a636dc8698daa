namespace BitTorrent.Encryption;

/// <summary>Which connections an engine or a single connection makes and accepts (the table in the README).</summary>
public enum EncryptionPolicy
{
    /// <summary>Plaintext BitTorrent only, both ways; encrypted incoming connections are refused.</summary>
    Disabled,

    /// <summary>
    /// Both kinds accepted; outgoing connections try <see cref="MseOptions.OutgoingFirst"/> first and the other kind
    /// when that fails.
    /// </summary>
    Enabled,

    /// <summary>Both kinds accepted; outgoing connections try MSE first and plaintext when that fails.</summary>
    Preferred,

    /// <summary>MSE only, both ways; plaintext incoming connections are refused.</summary>
    Required,
}
