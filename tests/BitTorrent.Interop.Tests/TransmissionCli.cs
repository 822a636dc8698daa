using System.Text.Json;
using BitTorrent.Interop.Tests.Encryption;

namespace BitTorrent.Interop.Tests;

/// <summary>
/// Transmission 3.00 as <c>transmission-cli</c> on 127.0.0.1 for one torrent: no DHT, LPD, PEX, uTP or port mapping,
/// its files named as the torrent says while they download. It never dials loopback peers, so tests dial it.
/// </summary>
internal static class TransmissionCli
{
    private const string Program = "/usr/bin/transmission-cli";

    /// <summary>
    /// Starts it in <paramref name="folder"/> (its config goes in a subfolder) on <paramref name="port"/>, downloading into
    /// or seeding from <paramref name="downloadDirectory"/>; <paramref name="requireEncryption"/> refuses plaintext peers,
    /// otherwise encryption is preferred (Transmission's default) and plaintext accepted.
    /// </summary>
    public static CliPeerProcess Start(string folder, string torrent, string downloadDirectory, int port, bool requireEncryption)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException("transmission-cli is missing: install it (scripts/install-test-deps.sh does)");
        var config = Directory.CreateDirectory(Path.Combine(folder, "transmission-config")).FullName;
        File.WriteAllText(Path.Combine(config, "settings.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["encryption"] = requireEncryption ? 2 : 1,
            ["bind-address-ipv4"] = "127.0.0.1",
            ["bind-address-ipv6"] = "::1",
            ["peer-port"] = port,
            ["dht-enabled"] = false,
            ["lpd-enabled"] = false,
            ["pex-enabled"] = false,
            ["utp-enabled"] = false,
            ["port-forwarding-enabled"] = false,
            ["rpc-enabled"] = false,
            ["speed-limit-up-enabled"] = false,
            ["speed-limit-down-enabled"] = false,
            ["rename-partial-files"] = false,
        }));
        return CliPeerProcess.Start(Program, folder, "-g", config, requireEncryption ? "-er" : "-ep", "-M", "-p", port.ToString(),
            "-w", downloadDirectory, torrent);
    }
}
