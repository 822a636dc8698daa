using BitTorrent.Client;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.Picking;

/// <summary>The README's picking example, kept compiling (and run against a wire whose peer chokes us).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_runs()
    {
        await using var wire = new BitTorrent.Wire.Wire(new MemoryStream());
        var timeProvider = new FakeTimeProvider();
        int pieceCount = 4, pieceLength = 32 * 1024;
        long totalLength = 4 * 32 * 1024;
        long[] fileLengths = [totalLength];
        byte[] filePriorities = [4];
        double downloadRate = 0;

        var picker = new PiecePicker(pieceCount, pieceLength, totalLength);
        picker.SetPiecePriorities(PiecePriorities.FromFiles(fileLengths, filePriorities, pieceLength));
        var peer = new PeerHandle(1);
        picker.AddPeer(peer);
        picker.OnBitfield(peer, wire.PeerPieces);

        var pipeline = new RequestPipeline(timeProvider) { PeerRequestQueue = 250 };
        Span<BlockRequest> wanted = stackalloc BlockRequest[64];
        int room = Math.Min(wanted.Length, pipeline.TargetOutstanding(downloadRate) - picker.OutstandingRequests(peer));
        int n = picker.PickBlocks(peer, wire.PeerChoking, wire.PeerAllowedFastSet, wanted[..Math.Max(0, room)]);

        Assert.Equal(2, room);
        Assert.Equal(0, n); // the peer chokes us and allowed nothing fast
        var block = new BlockRequest(0, 0, PiecePicker.BlockSize);
        var receipt = picker.OnBlockReceived(peer, block);
        Assert.Equal(BlockStatus.Unexpected, receipt.Status);
        Assert.True(receipt.Cancel.IsEmpty);
    }
}
