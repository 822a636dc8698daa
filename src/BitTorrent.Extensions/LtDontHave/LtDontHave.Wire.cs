using BitTorrent.Wire;

namespace BitTorrent.Extensions;

public sealed partial class LtDontHave : IWireExtension
{
    /// <summary>Creates the extension for <paramref name="wire"/>; use it as <c>wire.Use(w =&gt; new LtDontHave(w))</c>.</summary>
    public LtDontHave(Wire.Wire wire)
        : this(new WireExtensionHost(wire))
    {
    }
}
