using BitTorrent.Wire;

namespace BitTorrent.Extensions;

public sealed partial class LtDontHave : IWireExtension
{
    /// <summary>Creates the extension for <paramref name="wire"/>; use it as <c>wire.Use(w =&gt; new LtDontHave(w))</c>.</summary>
    /// <param name="wire">The wire.</param>
    /// <param name="options">Logging; defaults when null.</param>
    public LtDontHave(Wire.Wire wire, LtDontHaveOptions? options = null)
        : this(new WireExtensionHost(wire), options)
    {
    }
}
