using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>Reads tracker tiers (BEP 3 <c>announce</c>, BEP 12 <c>announce-list</c>) and web seeds (BEP 19 <c>url-list</c>).</summary>
internal static class TrackerListReader
{
    /// <summary>
    /// The tiers of <c>announce-list</c> when it has any URL (BEP 12 says <c>announce</c> is then ignored), else one
    /// tier with <c>announce</c>. Entries that are not strings, empty URLs and empty tiers are dropped.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadTiers(BDictionary root, MetainfoLimits limits)
    {
        var tiers = new List<IReadOnlyList<string>>();
        int total = 0;
        if (root.Get<BList>("announce-list") is { } list)
        {
            foreach (var tierValue in list)
            {
                if (tierValue is not BList tier) continue;
                var urls = new List<string>();
                foreach (var url in tier)
                {
                    if (url is not BString { Bytes.Length: > 0 } s) continue;
                    if (++total > limits.MaxTrackers) throw TooMany("trackers", limits);
                    urls.Add(s.Text);
                }
                if (urls.Count > 0) tiers.Add(urls);
            }
        }
        if (tiers.Count == 0 && root.GetText("announce") is { Length: > 0 } announce) tiers.Add([announce]);
        return tiers;
    }

    /// <summary>The web seeds of <c>url-list</c>: one string or a list of strings.</summary>
    public static IReadOnlyList<string> ReadUrlList(BDictionary root, MetainfoLimits limits)
    {
        if (!root.TryGetValue("url-list", out var value)) return [];
        if (value is BString { Bytes.Length: > 0 } single) return [single.Text];
        if (value is not BList list) return [];
        var urls = new List<string>();
        foreach (var url in list)
        {
            if (url is not BString { Bytes.Length: > 0 } s) continue;
            if (urls.Count == limits.MaxTrackers) throw TooMany("web seeds", limits);
            urls.Add(s.Text);
        }
        return urls;
    }

    private static MetainfoException TooMany(string what, MetainfoLimits limits) =>
        new(MetainfoError.TooManyTrackers, $"more {what} than the limit of {limits.MaxTrackers}");
}
