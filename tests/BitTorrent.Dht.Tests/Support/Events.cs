namespace BitTorrent.Dht.Tests.Support;

/// <summary>Helpers for a node's events, which are raised asynchronously on the node's dispatcher.</summary>
internal static class Events
{
    /// <summary>Waits (bounded) until every event the node queued so far has been raised.</summary>
    public static void Flush(this DhtNode node) =>
        Assert.True(node.WhenEventsRaisedAsync().Wait(TimeSpan.FromSeconds(30)), "event handlers did not finish");
}
