using System.Threading.Channels;

namespace BitTorrent.Client;

/// <summary>The engine's bounded alert queue: posting never blocks a torrent's loop; when full the oldest alert is dropped.</summary>
internal sealed class AlertQueue(int capacity, TimeProvider time)
{
    private readonly Channel<Alert> _channel = Channel.CreateBounded<Alert>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleWriter = false,
        SingleReader = false,
    });

    /// <summary>The engine's clock, for alert times.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Queues an alert.</summary>
    public void Post(Alert alert) => _channel.Writer.TryWrite(alert);

    /// <summary>Reads alerts until the engine is disposed or the token is cancelled.</summary>
    public IAsyncEnumerable<Alert> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>No more alerts: readers end after the queued ones.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
