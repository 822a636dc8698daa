using BitTorrent.Bencode;

namespace BitTorrent.Metainfo.Tests;

public class HostileTorrentTests
{
    public static TheoryData<string, string[], MetainfoError> UnsafePaths => new()
    {
        { "dot-dot", ["..", "etc", "passwd"], MetainfoError.PathTraversal },
        { "dot-dot deeper", ["a", "..", "..", "x"], MetainfoError.PathTraversal },
        { "dot", [".", "x"], MetainfoError.PathTraversal },
        { "absolute", ["/etc/passwd"], MetainfoError.InvalidPathCharacter },
        { "backslash", ["..\\..\\x"], MetainfoError.InvalidPathCharacter },
        { "separator inside", ["a/b"], MetainfoError.InvalidPathCharacter },
        { "NUL", ["a\0b"], MetainfoError.InvalidPathCharacter },
        { "control", ["a\nb"], MetainfoError.InvalidPathCharacter },
        { "empty component", ["a", "", "b"], MetainfoError.EmptyPathComponent },
        { "empty path", [], MetainfoError.EmptyPathComponent },
        { "device", ["CON"], MetainfoError.ReservedName },
        { "device with extension", ["nul.txt"], MetainfoError.ReservedName },
        { "com port", ["sub", "com1"], MetainfoError.ReservedName },
        { "trailing dot", ["file."], MetainfoError.ReservedName },
        { "trailing space", ["file "], MetainfoError.ReservedName },
        { "component too long", [new string('a', 256)], MetainfoError.PathTooLong },
        { "too deep", Enumerable.Repeat("d", 64).ToArray(), MetainfoError.PathTooLong },
    };

    [Theory]
    [MemberData(nameof(UnsafePaths))]
    public void UnsafeFilePathIsRefused(string label, string[] components, MetainfoError expected)
    {
        var info = InfoBuilder.MultiFile("t", 16384);
        info["files"] = new BList { InfoBuilder.FileWithComponents(10, components) };
        info["pieces"] = new byte[20];

        var e = Assert.Throws<MetainfoException>(() => Torrent.Parse(InfoBuilder.Torrent(info)));

        Assert.True(expected == e.Error, $"{label}: {e.Error} ({e.Message})");
    }

    [Theory]
    [InlineData("..", MetainfoError.PathTraversal)]
    [InlineData("", MetainfoError.EmptyPathComponent)]
    [InlineData("/abs", MetainfoError.InvalidPathCharacter)]
    [InlineData("AUX", MetainfoError.ReservedName)]
    public void UnsafeNameIsRefused(string name, MetainfoError expected)
    {
        var e = Assert.Throws<MetainfoException>(() => TorrentInfo.Parse(InfoBuilder.SingleFile(name, 10, 16384).Encode()));
        Assert.Equal(expected, e.Error);
    }

    [Fact]
    public void DuplicatePathsAndFileDirectoryClashesAreRefused()
    {
        var twice = InfoBuilder.MultiFile("t", 16384, ("a", 1), ("a", 1));
        Assert.Equal(MetainfoError.DuplicatePath, Refuse(twice));
        var fileThenDirectory = InfoBuilder.MultiFile("t", 16384, ("a", 1), ("a/b", 1));
        Assert.Equal(MetainfoError.DuplicatePath, Refuse(fileThenDirectory));
        var directoryThenFile = InfoBuilder.MultiFile("t", 16384, ("a/b", 1), ("a", 1));
        Assert.Equal(MetainfoError.DuplicatePath, Refuse(directoryThenFile));
    }

    [Fact]
    public void NegativeAndOverflowingLengthsAreRefused()
    {
        Assert.Equal(MetainfoError.NegativeLength, Refuse(InfoBuilder.SingleFile("f", -1, 16384)));
        var negative = InfoBuilder.MultiFile("t", 16384, ("a", 10), ("b", -5));
        Assert.Equal(MetainfoError.NegativeLength, Refuse(negative));
        var overflow = InfoBuilder.MultiFile("t", 16384);
        overflow["files"] = new BList { InfoBuilder.File("a", long.MaxValue), InfoBuilder.File("b", 2) };
        Assert.Equal(MetainfoError.LengthOverflow, Refuse(overflow));
    }

    [Fact]
    public void PieceCountMustMatchTheLength()
    {
        var tooFew = InfoBuilder.SingleFile("f", 50000, 16384);
        tooFew["pieces"] = new byte[3 * 20];
        Assert.Equal(MetainfoError.PieceCountMismatch, Refuse(tooFew));
        var tooMany = InfoBuilder.SingleFile("f", 50000, 16384);
        tooMany["pieces"] = new byte[5 * 20];
        Assert.Equal(MetainfoError.PieceCountMismatch, Refuse(tooMany));
        var ragged = InfoBuilder.SingleFile("f", 50000, 16384);
        ragged["pieces"] = new byte[4 * 20 + 7];
        Assert.Equal(MetainfoError.PieceCountMismatch, Refuse(ragged));
    }

    [Fact]
    public void LimitsAreEnforced()
    {
        var three = InfoBuilder.MultiFile("t", 16384, ("a", 1), ("b", 1), ("c", 1));
        Assert.Equal(MetainfoError.TooManyFiles, Refuse(three, new MetainfoLimits { MaxFiles = 2 }));
        Assert.Equal(MetainfoError.TooManyPieces, Refuse(InfoBuilder.SingleFile("f", 50000, 16384), new MetainfoLimits { MaxPieces = 3 }));
        Assert.Equal(MetainfoError.TooLarge, Refuse(InfoBuilder.SingleFile("f", 50000, 16384), new MetainfoLimits { MaxTorrentSize = 50 }));
        var zero = InfoBuilder.SingleFile("f", 50000, 16384);
        zero["piece length"] = 0;
        Assert.Equal(MetainfoError.InvalidPieceLength, Refuse(zero));
        var huge = InfoBuilder.SingleFile("f", 10, 16384);
        huge["piece length"] = 1L << 40;
        Assert.Equal(MetainfoError.InvalidPieceLength, Refuse(huge));

        var trackers = InfoBuilder.Torrent(InfoBuilder.SingleFile("f", 10, 16384),
            root => root["announce-list"] = new BList { new BList { "http://a/", "http://b/" }, new BList { "http://c/" } });
        var e = Assert.Throws<MetainfoException>(() => Torrent.Parse(trackers, new MetainfoLimits { MaxTrackers = 2 }));
        Assert.Equal(MetainfoError.TooManyTrackers, e.Error);
    }

    [Fact]
    public void StructuralProblemsHaveTheirOwnReasons()
    {
        Assert.Equal(MetainfoError.InvalidBencode, RefuseTorrent("d4:infod4:name"u8.ToArray()));
        Assert.Equal(MetainfoError.InvalidBencode, RefuseTorrent("li1ee"u8.ToArray()));
        Assert.Equal(MetainfoError.MissingField, RefuseTorrent("d8:announce3:abce"u8.ToArray()));
        Assert.Equal(MetainfoError.WrongType, RefuseTorrent("d4:infoi1ee"u8.ToArray()));
        var noName = InfoBuilder.SingleFile("f", 10, 16384);
        noName.Remove("name");
        Assert.Equal(MetainfoError.MissingField, Refuse(noName));
        var both = InfoBuilder.SingleFile("f", 10, 16384);
        both["files"] = new BList();
        Assert.Equal(MetainfoError.AmbiguousLayout, Refuse(both));
        var neither = InfoBuilder.SingleFile("f", 10, 16384);
        neither.Remove("length");
        Assert.Equal(MetainfoError.AmbiguousLayout, Refuse(neither));
        var empty = InfoBuilder.MultiFile("t", 16384, ("a", 0));
        empty["pieces"] = Array.Empty<byte>();
        Assert.Equal(MetainfoError.EmptyTorrent, Refuse(empty));
        var stringLength = InfoBuilder.SingleFile("f", 10, 16384);
        stringLength["length"] = "10";
        Assert.Equal(MetainfoError.WrongType, Refuse(stringLength));
    }

    private static MetainfoError Refuse(BDictionary info, MetainfoLimits? limits = null) =>
        Assert.Throws<MetainfoException>(() => TorrentInfo.Parse(info.Encode(), limits)).Error;

    private static MetainfoError RefuseTorrent(byte[] data) =>
        Assert.Throws<MetainfoException>(() => Torrent.Parse(data)).Error;
}
