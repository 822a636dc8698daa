using BitTorrent.Wire;

namespace BitTorrent.Extensions;

public sealed partial class UtPex : IWireExtension
{
    /// <summary>Creates the extension for <paramref name="wire"/>; use it as <c>wire.Use(w =&gt; new UtPex(w))</c>.</summary>
    /// <param name="wire">The wire; its <c>TimeProvider</c> drives the send interval.</param>
    /// <param name="options">Interval, flood limit and receive bounds; the npm ut_pex defaults when null.</param>
    public UtPex(Wire.Wire wire, UtPexOptions? options = null)
        : this(new WireExtensionHost(wire), options)
    {
    }
}
