using System.Net;
using BitTorrent.Dht;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Dht.Tests.Support;

/// <summary>A tiny deterministic in-memory datagram network: sends are queued and delivered by <see cref="Deliver"/>.</summary>
internal sealed class TestNetwork
{
    private readonly Dictionary<IPEndPoint, TestTransport> _transports = [];
    private readonly Queue<(byte[] Data, IPEndPoint From, IPEndPoint To)> _queue = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Datagrams handed to <see cref="Deliver"/> so far.</summary>
    public long Delivered { get; private set; }

    /// <summary>Optional filter: return false to drop a datagram.</summary>
    public Func<byte[], IPEndPoint, IPEndPoint, bool>? Filter { get; set; }

    public TestTransport CreateTransport(IPEndPoint endPoint)
    {
        var transport = new TestTransport(this, endPoint);
        _transports[endPoint] = transport;
        return transport;
    }

    /// <summary>Injects a datagram as if <paramref name="from"/> had sent it.</summary>
    public void Inject(byte[] data, IPEndPoint from, IPEndPoint to) => _queue.Enqueue((data, from, to));

    internal void Enqueue(ReadOnlySpan<byte> data, IPEndPoint from, IPEndPoint to) => _queue.Enqueue((data.ToArray(), from, to));

    internal void Remove(IPEndPoint endPoint) => _transports.Remove(endPoint);

    /// <summary>Delivers queued datagrams (including those sent while delivering) until none are left.</summary>
    public void Deliver(int maxDatagrams = 1_000_000)
    {
        while (_queue.Count > 0 && maxDatagrams-- > 0)
        {
            var (data, from, to) = _queue.Dequeue();
            if (Filter is not null && !Filter(data, from, to))
            {
                continue;
            }
            if (_transports.TryGetValue(to, out var transport))
            {
                Delivered++;
                transport.Receive(data, from);
            }
        }
    }

    /// <summary>Delivers and advances virtual time in steps until <paramref name="task"/> completes.</summary>
    public T RunUntil<T>(Task<T> task, TimeSpan? limit = null)
    {
        RunUntil((Task)task, limit);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Delivers and advances virtual time in steps until <paramref name="task"/> completes.</summary>
    public void RunUntil(Task task, TimeSpan? limit = null)
    {
        var deadline = Time.GetUtcNow() + (limit ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            Deliver();
            if (task.Wait(0) || task.IsCompleted)
            {
                break;
            }
            if (Time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException("The operation did not complete in virtual time.");
            }
            Time.Advance(TimeSpan.FromMilliseconds(50));
        }
        // Continuations run asynchronously; wait for the task itself (already complete).
        task.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Delivers and advances virtual time by <paramref name="duration"/>.</summary>
    public void Run(TimeSpan duration)
    {
        var end = Time.GetUtcNow() + duration;
        while (Time.GetUtcNow() < end)
        {
            Deliver();
            Time.Advance(TimeSpan.FromMilliseconds(50));
        }
        Deliver();
    }
}

internal sealed class TestTransport(TestNetwork network, IPEndPoint endPoint) : IDhtTransport
{
    private DatagramHandler? _handler;

    public IPEndPoint LocalEndPoint { get; } = endPoint;

    public int Sent { get; private set; }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        Sent++;
        network.Enqueue(datagram, LocalEndPoint, destination);
    }

    public void Start(DatagramHandler handler) => _handler = handler;

    internal void Receive(byte[] data, IPEndPoint from) => _handler?.Invoke(data, from);

    public void Dispose() => network.Remove(LocalEndPoint);
}
