using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitTorrent.Cli.Commands;
using BitTorrent.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Cli;

/// <summary>
/// <c>bt demo</c>: a two-peer swarm on 127.0.0.1. The seeder has a generated file; the downloader starts from a magnet
/// link only, fetches the info dictionary with ut_metadata (BEP 9), then downloads every piece with pipelined requests
/// and checks each against its SHA-1.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The <c>demo</c> command.</summary>
    public static System.CommandLine.Command Create()
    {
        var size = Commands.CommonOptions.Size("--size", "Size of the generated content.", 64L << 20);
        var piece = Commands.CommonOptions.Size("--piece-length", "Piece length (a power of two, 16KiB to 16MiB).", 256L << 10);
        var depth = new System.CommandLine.Option<int>("--depth") { Description = "Requests kept in flight.", DefaultValueFactory = _ => 64 };
        var seed = new System.CommandLine.Option<int>("--seed") { Description = "Seed of the generated content.", DefaultValueFactory = _ => 1 };
        size.Check(v => v is < 1 or > 4L << 30 ? "--size must be from 1 byte to 4GiB" : null);
        piece.Check(v => v is < 16384 or > 16L << 20 || (v & (v - 1)) != 0 ? "--piece-length must be a power of two from 16KiB to 16MiB" : null);
        depth.Check(v => v is < 1 or > 2000 ? "--depth must be from 1 to 2000" : null);
        var command = new System.CommandLine.Command("demo", "A local swarm on loopback, no internet needed.\n\nExample:\n  bt demo --size 16MiB")
            { size, piece, depth, seed };
        command.SetAction((parse, _) => RunAsync(new DemoOptions
        {
            SizeMiB = (int)Math.Max(1, parse.GetValue(size) >> 20),
            PieceKiB = (int)(parse.GetValue(piece) >> 10),
            Depth = parse.GetValue(depth),
            Seed = parse.GetValue(seed),
        }, parse.InvocationConfiguration.Output));
        return command;
    }

    private const int BlockLength = 16 * 1024;

    public static async Task<int> RunAsync(DemoOptions options, TextWriter output)
    {
        output.WriteLine($"bt demo: generating {options.SizeMiB} MiB in {options.PieceKiB} KiB pieces (seed {options.Seed})");
        var torrent = DemoTorrent.Generate((long)options.SizeMiB * 1024 * 1024, options.PieceKiB * 1024, options.Seed);
        var magnet = new MagnetLink(torrent.InfoHash, torrent.Name);
        output.WriteLine($"  info hash {torrent.InfoHash}, {torrent.PieceCount} pieces");
        output.WriteLine($"  magnet    {magnet}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var seederEndPoint = (IPEndPoint)listener.LocalEndpoint;
        output.WriteLine($"  seeder    listening on {seederEndPoint}");
        var seederTask = SeedAsync(listener, torrent, timeout.Token);

        var clock = Stopwatch.StartNew();
        var result = await DownloadAsync(MagnetLink.Parse(magnet.ToString()), seederEndPoint, options.Depth, output, timeout.Token);
        double seconds = clock.Elapsed.TotalSeconds;
        var seeder = await seederTask;

        bool identical = result.Content.AsSpan().SequenceEqual(torrent.Content);
        output.WriteLine();
        output.WriteLine("summary");
        output.WriteLine($"  metadata   {result.MetadataBytes} bytes via ut_metadata, info hash verified");
        output.WriteLine($"  pieces     {result.VerifiedPieces}/{torrent.PieceCount} verified by SHA-1{(result.FailedPieces > 0 ? $", {result.FailedPieces} failed" : "")}");
        output.WriteLine($"  bytes      {result.Content.Length:N0} downloaded, {seeder.Uploaded:N0} uploaded by the seeder");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  time       {seconds:F2} s, {result.Content.Length / seconds / 1e6:F1} MB/s over loopback TCP, {options.Depth} requests in flight"));
        output.WriteLine($"  file       {(identical ? "identical to the seeder's" : "DIFFERS from the seeder's")}");
        return identical && result.FailedPieces == 0 ? 0 : 1;
    }

    private static async Task<Wire.Wire> SeedAsync(TcpListener listener, DemoTorrent torrent, CancellationToken cancellationToken)
    {
        var socket = await listener.AcceptSocketAsync(cancellationToken);
        var wire = new Wire.Wire(socket, new WireOptions { Type = "tcpIncoming", PieceCount = torrent.PieceCount });
        wire.Use(w => new UtMetadata(w, torrent.Info));
        wire.RequestHandler = (request, _) =>
        {
            long start = (long)request.Index * torrent.PieceLength + request.Begin;
            if (request.Index >= torrent.PieceCount || start + request.Length > torrent.Content.Length)
                throw new ArgumentOutOfRangeException(nameof(request), "beyond the end of the file");
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(torrent.Content.AsMemory((int)start, request.Length));
        };
        wire.HandshakeReceived += (_, _) =>
        {
            wire.Handshake(torrent.InfoHash, PeerId.CreateRandom());
            if (wire.HasFast) wire.HaveAll();
            else wire.Bitfield(Enumerable.Repeat((byte)0xFF, (torrent.PieceCount + 7) / 8).ToArray());
        };
        wire.PeerInterestedReceived += (_, _) => wire.Unchoke();
        wire.Start();
        await wire.Completion.WaitAsync(cancellationToken);
        return wire;
    }

    private sealed record DownloadResult(byte[] Content, int MetadataBytes, int VerifiedPieces, int FailedPieces);

    private static async Task<DownloadResult> DownloadAsync(MagnetLink magnet, IPEndPoint seeder, int depth, TextWriter output, CancellationToken cancellationToken)
    {
        await using var wire = await Wire.Wire.ConnectAsync(seeder, cancellationToken: cancellationToken);
        var metadata = wire.Use(w => new UtMetadata(w));
        var metadataReceived = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        metadata.MetadataReceived += (_, e) => metadataReceived.TrySetResult(e.Info);
        metadata.Warning += (_, e) => output.WriteLine($"  ut_metadata warning: {e.Message}");
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        wire.Closed += (_, e) =>
        {
            metadataReceived.TrySetException(new IOException($"wire closed: {e}"));
            unchoked.TrySetException(new IOException($"wire closed: {e}"));
        };
        metadata.Fetch();
        wire.Handshake(magnet.InfoHash, PeerId.CreateRandom());
        output.WriteLine($"  leecher   connected to {wire.RemoteEndPoint}, fetching metadata for {magnet.InfoHash}");

        var info = await metadataReceived.Task.WaitAsync(cancellationToken);
        var (name, length, pieceLength, hashes) = DemoTorrent.ParseInfo(info);
        int pieceCount = hashes.Length / 20;
        output.WriteLine($"  metadata  '{name}', {length:N0} bytes, {pieceCount} pieces of {pieceLength / 1024} KiB");
        wire.Interested();
        await unchoked.Task.WaitAsync(cancellationToken);

        var content = GC.AllocateUninitializedArray<byte>(checked((int)length));
        var progress = new ProgressLine(output, length);
        int verified = 0, failed = 0;
        var inFlight = new Queue<(int Piece, int Begin, int Length, Task<byte[]> Block)>();
        var blocksLeft = new int[pieceCount];
        for (int piece = 0; piece < pieceCount; piece++)
        {
            int size = (int)Math.Min(pieceLength, length - (long)piece * pieceLength);
            blocksLeft[piece] = (size + BlockLength - 1) / BlockLength;
            for (int begin = 0; begin < size; begin += BlockLength)
            {
                if (inFlight.Count == depth) Complete(await Take());
                int blockLength = Math.Min(BlockLength, size - begin);
                inFlight.Enqueue((piece, begin, blockLength, wire.RequestAsync(piece, begin, blockLength, cancellationToken).AsTask()));
            }
        }
        while (inFlight.Count > 0) Complete(await Take());
        progress.Finish();
        wire.End();
        return new DownloadResult(content, info.Length, verified, failed);

        async Task<(int Piece, int Begin, byte[] Data)> Take()
        {
            var (piece, begin, _, block) = inFlight.Dequeue();
            return (piece, begin, await block);
        }

        void Complete((int Piece, int Begin, byte[] Data) block)
        {
            long offset = (long)block.Piece * pieceLength;
            block.Data.CopyTo(content, offset + block.Begin);
            if (--blocksLeft[block.Piece] > 0) return;
            int size = (int)Math.Min(pieceLength, length - offset);
            Span<byte> hash = stackalloc byte[20];
            SHA1.HashData(content.AsSpan((int)offset, size), hash);
            if (hash.SequenceEqual(hashes.AsSpan(block.Piece * 20, 20))) verified++;
            else failed++;
            progress.Report(wire.Downloaded, verified, pieceCount);
        }
    }

    /// <summary>One status line, redrawn at most four times a second.</summary>
    private sealed class ProgressLine(TextWriter output, long total)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly bool _redraw = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        private TimeSpan _last = TimeSpan.MinValue;
        private int _lastQuarter = -1;

        public void Report(long bytes, int pieces, int pieceCount)
        {
            var now = _clock.Elapsed;
            int quarter = (int)(bytes * 4 / Math.Max(total, 1));
            if (_redraw ? now - _last < TimeSpan.FromMilliseconds(250) && pieces != pieceCount : quarter == _lastQuarter) return;
            _last = now;
            _lastQuarter = quarter;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"  {100.0 * bytes / total,5:F1}%  {bytes / 1048576.0,8:F1}/{total / 1048576.0:F1} MiB  {bytes / Math.Max(now.TotalSeconds, 1e-6) / 1e6,8:F1} MB/s  pieces {pieces}/{pieceCount}");
            if (_redraw) output.Write("\r" + line);
            else output.WriteLine(line);
        }

        public void Finish()
        {
            if (_redraw) output.WriteLine();
        }
    }
}
