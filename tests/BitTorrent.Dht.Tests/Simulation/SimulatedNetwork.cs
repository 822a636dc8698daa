using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>Sees every datagram the network delivers (after loss), before the receiver handles it.</summary>
internal delegate void DeliveryObserver(SimulatedTransport receiver, ReadOnlySpan<byte> datagram, SimulatedTransport sender);

/// <summary>
/// An in-memory IPv4 datagram network on virtual time. Every host gets its own /24 (so subnet limits in routing tables
/// never bite) and a one-way access delay; a datagram from A to B takes delay(A) + delay(B) and is lost with
/// probability <see cref="LossRate"/>. Loss and delays come from one seeded <see cref="Random"/>, and the scheduler is
/// single-threaded, so the same seed replays the same run.
/// </summary>
internal sealed class SimulatedNetwork
{
    private const int Port = 6881;
    private readonly Dictionary<ulong, SimulatedTransport> _hosts = [];
    private readonly List<SimulatedTransport> _all = [];
    private readonly Random _random;
    private readonly TimeSpan _minAccessDelay;
    private readonly TimeSpan _maxAccessDelay;

    public SimulatedNetwork(VirtualTimeScheduler scheduler, Random random, double lossRate, TimeSpan minAccessDelay, TimeSpan maxAccessDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lossRate, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lossRate, 1.0);
        Scheduler = scheduler;
        _random = random;
        LossRate = lossRate;
        _minAccessDelay = minAccessDelay;
        _maxAccessDelay = maxAccessDelay;
    }

    public VirtualTimeScheduler Scheduler { get; }

    /// <summary>Probability that any one datagram is dropped.</summary>
    public double LossRate { get; set; }

    /// <summary>Called for every delivered datagram; null for none.</summary>
    public DeliveryObserver? Observer { get; set; }

    /// <summary>Called for every datagram sent to an attached host (before loss); null for none.</summary>
    public Action<SimulatedTransport, SimulatedTransport>? SendObserver { get; set; }

    public IReadOnlyList<SimulatedTransport> Hosts => _all;

    public long DatagramsSent { get; private set; }

    public long DatagramsLost { get; private set; }

    public long DatagramsDelivered { get; private set; }

    public long DatagramsUndeliverable { get; private set; }

    /// <summary>Adds a host at 10.a.b.1:6881, where a.b is its index.</summary>
    public SimulatedTransport AddHost()
    {
        int index = _all.Count;
        if (index >= 1 << 16)
        {
            throw new InvalidOperationException("At most 65,536 hosts.");
        }
        var address = new IPAddress(new byte[] { 10, (byte)(index >> 8), (byte)index, 1 });
        var delay = _minAccessDelay + (_maxAccessDelay - _minAccessDelay) * _random.NextDouble();
        var host = new SimulatedTransport(this, index, new IPEndPoint(address, Port), delay);
        _all.Add(host);
        _hosts.Add(Key(host.LocalEndPoint), host);
        return host;
    }

    /// <summary>The host at <paramref name="endPoint"/>, if it is attached.</summary>
    public SimulatedTransport? Find(IPEndPoint endPoint) => _hosts.GetValueOrDefault(Key(endPoint));

    /// <summary>The host at a compact IPv4 address (4 bytes address, 2 bytes port), if it is attached.</summary>
    public SimulatedTransport? FindCompact(ReadOnlySpan<byte> compact) =>
        _hosts.GetValueOrDefault(((ulong)BinaryPrimitives.ReadUInt32BigEndian(compact) << 16) | BinaryPrimitives.ReadUInt16BigEndian(compact[4..]));

    internal void Send(SimulatedTransport sender, ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        DatagramsSent++;
        var receiver = Find(destination);
        if (receiver is not null)
        {
            SendObserver?.Invoke(sender, receiver);
        }
        if (LossRate > 0 && _random.NextDouble() < LossRate)
        {
            DatagramsLost++;
            return;
        }
        if (receiver is null)
        {
            DatagramsUndeliverable++;
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        Scheduler.Schedule(new Delivery(this, sender, receiver, buffer, datagram.Length), sender.AccessDelay + receiver.AccessDelay);
    }

    internal void Detach(SimulatedTransport host) => _hosts.Remove(Key(host.LocalEndPoint));

    private static ulong Key(IPEndPoint endPoint)
    {
        Span<byte> address = stackalloc byte[16];
        if (!endPoint.Address.TryWriteBytes(address, out int written) || written != 4)
        {
            return ulong.MaxValue;
        }
        return ((ulong)BinaryPrimitives.ReadUInt32BigEndian(address) << 16) | (ushort)endPoint.Port;
    }

    private sealed class Delivery(SimulatedNetwork network, SimulatedTransport sender, SimulatedTransport receiver, byte[] buffer, int length)
        : VirtualTimeScheduler.IVirtualEvent
    {
        public void Run(VirtualTimeScheduler scheduler)
        {
            var datagram = buffer.AsSpan(0, length);
            if (receiver.IsAttached)
            {
                network.DatagramsDelivered++;
                network.Observer?.Invoke(receiver, datagram, sender);
                receiver.Receive(datagram, sender.LocalEndPoint);
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>One host's <see cref="IDhtTransport"/> on a <see cref="SimulatedNetwork"/>.</summary>
internal sealed class SimulatedTransport : IDhtTransport
{
    private readonly SimulatedNetwork _network;
    private DatagramHandler? _handler;

    internal SimulatedTransport(SimulatedNetwork network, int index, IPEndPoint endPoint, TimeSpan accessDelay)
    {
        _network = network;
        Index = index;
        LocalEndPoint = endPoint;
        AccessDelay = accessDelay;
    }

    /// <summary>The host's position in <see cref="SimulatedNetwork.Hosts"/>.</summary>
    public int Index { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>This host's share of every link's one-way delay.</summary>
    public TimeSpan AccessDelay { get; }

    /// <summary>Datagrams this host has sent (including those the network then lost).</summary>
    public long Sent { get; private set; }

    /// <summary>Bytes of the datagrams counted in <see cref="Sent"/>.</summary>
    public long SentBytes { get; private set; }

    /// <summary>Datagrams delivered to this host.</summary>
    public long Received { get; private set; }

    /// <summary>Bytes of the datagrams counted in <see cref="Received"/>.</summary>
    public long ReceivedBytes { get; private set; }

    public bool IsAttached { get; private set; } = true;

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (!IsAttached)
        {
            return;
        }
        Sent++;
        SentBytes += datagram.Length;
        _network.Send(this, datagram, destination);
    }

    public void Start(DatagramHandler handler) => _handler = handler;

    internal void Receive(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        Received++;
        ReceivedBytes += datagram.Length;
        _handler?.Invoke(datagram, source);
    }

    public void Dispose()
    {
        if (IsAttached)
        {
            IsAttached = false;
            _handler = null;
            _network.Detach(this);
        }
    }
}
