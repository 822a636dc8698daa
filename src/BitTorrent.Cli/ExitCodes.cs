namespace BitTorrent.Cli;

/// <summary>
/// What <c>bt</c> exits with. Scripts can tell the failure classes apart; the README lists them.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but its result is negative (a verify found bad pieces, a download did not finish).</summary>
    public const int Failed = 1;

    /// <summary>The command line does not parse (unknown option, bad value).</summary>
    public const int Usage = 2;

    /// <summary>The input is bad: a torrent file, magnet link, info hash or key that does not parse or is unsafe.</summary>
    public const int BadInput = 3;

    /// <summary>No peer (or DHT node) answered in time.</summary>
    public const int NoPeers = 4;

    /// <summary>Reading or writing files failed: disk full, permission denied, a file missing.</summary>
    public const int IoError = 5;

    /// <summary>Interrupted by Ctrl-C (SIGINT), after a graceful stop: 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;
}
