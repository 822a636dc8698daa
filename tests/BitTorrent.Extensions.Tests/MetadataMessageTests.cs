using System.Text;
using BitTorrent.Extensions;

namespace BitTorrent.Extensions.Tests;

public class MetadataMessageTests
{
    private static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Fact]
    public void Encodes_the_bep9_examples()
    {
        Assert.Equal(B("d8:msg_typei0e5:piecei0ee"), MetadataMessage.Request(0).ToArray());
        Assert.Equal(B("d8:msg_typei2e5:piecei0ee"), MetadataMessage.Reject(0).ToArray());
        Assert.Equal(B("d8:msg_typei1e5:piecei0e10:total_sizei8ee") .Concat(B("xxxxxxxx")).ToArray(),
            MetadataMessage.DataPiece(0, 8, B("xxxxxxxx")).ToArray());
    }

    [Fact]
    public void Decodes_a_data_message_with_the_piece_after_the_dictionary()
    {
        // The piece bytes themselves contain "ee" and a nested dictionary: the split must be where the dict ends.
        var message = MetadataMessage.Decode(B("d8:msg_typei1e5:piecei2e10:total_sizei40000eed1:xi1eee"));
        Assert.Equal(MetadataMessageType.Data, message.Type);
        Assert.Equal(2, message.Piece);
        Assert.Equal(40000, message.TotalSize);
        Assert.Equal(B("d1:xi1eee"), message.Data.ToArray());
    }

    [Fact]
    public void Decodes_requests_and_rejects_and_ignores_their_trailing_bytes_and_unknown_keys()
    {
        var request = MetadataMessage.Decode(B("d1:ad1:bli1eee8:msg_typei0e5:piecei7eexyz"));
        Assert.Equal(MetadataMessageType.Request, request.Type);
        Assert.Equal(7, request.Piece);
        Assert.True(request.Data.IsEmpty);
        var reject = MetadataMessage.Decode(B("d5:piecei3e8:msg_typei2ee"));
        Assert.Equal(MetadataMessageType.Reject, reject.Type);
        Assert.Equal(3, reject.Piece);
    }

    [Fact]
    public void Data_without_total_size_reports_minus_one()
    {
        Assert.Equal(-1, MetadataMessage.Decode(B("d8:msg_typei1e5:piecei0eeab")).TotalSize);
    }

    [Fact]
    public void Unknown_message_types_pass_through_for_the_caller_to_ignore()
    {
        var message = MetadataMessage.Decode(B("d8:msg_typei9ee"));
        Assert.False(Enum.IsDefined(message.Type));
        Assert.Equal((MetadataMessageType)(-1), MetadataMessage.Decode(B("d8:msg_typei-1e5:piecei0ee")).Type);
    }

    [Theory]
    [InlineData("d5:piecei0ee")]                                   // no msg_type
    [InlineData("d8:msg_typei0ee")]                                // no piece
    [InlineData("d8:msg_type1:05:piecei0ee")]                      // msg_type not an integer
    [InlineData("d8:msg_typei0e5:piece1:0e")]                      // piece not an integer
    [InlineData("d8:msg_typei0e5:piecei-1ee")]                     // negative piece
    [InlineData("d8:msg_typei1e5:piecei611ee")]                    // past the 10 MB limit (611 pieces)
    [InlineData("d8:msg_typei0e5:piecei99999999999999ee")]
    [InlineData("d8:msg_typei1e5:piecei0e10:total_sizei0eex")]     // total_size out of range
    [InlineData("d8:msg_typei1e5:piecei0e10:total_sizei10000001eex")]
    [InlineData("d8:msg_typei1e5:piecei0e")]                       // unterminated
    [InlineData("i1e")]
    [InlineData("")]
    public void Rejects_malformed_or_out_of_range_messages(string payload)
    {
        var e = Assert.Throws<ExtensionMessageException>(() => MetadataMessage.Decode(B(payload)));
        Assert.Equal("ut_metadata", e.Extension);
    }

    [Fact]
    public void Rejects_a_data_message_longer_than_a_piece()
    {
        var payload = B("d8:msg_typei1e5:piecei0ee").Concat(new byte[MetadataMessage.PieceLength + 1]).ToArray();
        Assert.Throws<ExtensionMessageException>(() => MetadataMessage.Decode(payload));
        var exact = B("d8:msg_typei1e5:piecei0ee").Concat(new byte[MetadataMessage.PieceLength]).ToArray();
        Assert.Equal(MetadataMessage.PieceLength, MetadataMessage.Decode(exact).Data.Length);
    }

    [Fact]
    public void Factories_validate_their_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MetadataMessage.Request(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetadataMessage.Reject(MetadataMessage.MaxPieceCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetadataMessage.DataPiece(0, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetadataMessage.DataPiece(0, 100, new byte[MetadataMessage.PieceLength + 1]));
        Assert.Equal(611, MetadataMessage.MaxPieceCount);
    }
}
