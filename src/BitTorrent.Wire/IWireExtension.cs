namespace BitTorrent.Wire;

/// <summary>
/// A BEP 10 extension living on one wire (the seed's <c>wire.use(Extension)</c>). Create one per wire with
/// <see cref="Wire.Use{T}(Func{Wire, T})"/>. Hooks run like the wire's events: one at a time, never concurrently with them.
/// </summary>
public interface IWireExtension
{
    /// <summary>The name advertised in <c>m</c>, e.g. "ut_pex".</summary>
    string Name { get; }

    /// <summary>The peer's BEP 3 handshake arrived.</summary>
    void OnHandshake(HandshakeEventArgs handshake) { }

    /// <summary>The peer's extended handshake arrived and maps <see cref="Name"/> to a non-zero id.</summary>
    void OnExtendedHandshake(ExtendedHandshake handshake) { }

    /// <summary>A message for this extension; <paramref name="payload"/> follows the id byte and is valid only during the call.</summary>
    void OnMessage(ReadOnlySpan<byte> payload) { }
}
