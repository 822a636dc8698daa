using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Encryption;

/// <summary>
/// Makes outgoing connections under an <see cref="EncryptionPolicy"/>: tries one kind (plain BitTorrent or MSE) and,
/// when the peer refuses it and the policy allows, dials again with the other, as libtorrent does.
/// </summary>
public sealed class MseConnector
{
    private readonly MseOptions _options;
    private readonly ILogger _logger;

    /// <summary>A connector with the engine's (or this connection's) encryption settings.</summary>
    public MseConnector(MseOptions? options = null)
    {
        _options = options ?? new MseOptions();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MseConnector>();
    }

    /// <summary>
    /// The 68 bytes <c>Wire.Handshake(infoHash, peerId, extensions)</c> sends (the wire always adds the Extended bit):
    /// the initial payload to pass to <c>ConnectAsync</c>.
    /// </summary>
    public static byte[] BitTorrentHandshake(InfoHash infoHash, PeerId peerId, WireExtensions extensions = WireExtensions.Fast)
    {
        var handshake = new byte[MessageWriter.HandshakeLength];
        MessageWriter.WriteHandshake(handshake, infoHash, peerId, extensions | WireExtensions.Extended);
        return handshake;
    }

    /// <summary>
    /// Dials with <paramref name="dial"/> (once, or twice when the first kind fails and the policy allows the other)
    /// and returns the transport for the wire. <paramref name="handshake"/> is our BitTorrent handshake (see
    /// <see cref="BitTorrentHandshake"/>): MSE sends it as the initial payload, a plain attempt sends it and waits for
    /// the peer's, so that a peer that hangs up on plaintext is detected; the wire's own copy is then dropped.
    /// A failed attempt's connection is disposed.
    /// </summary>
    public async Task<MseHandshakeResult> ConnectAsync(Func<CancellationToken, ValueTask<PeerConnection>> dial, InfoHash infoHash,
        ReadOnlyMemory<byte> handshake, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dial);
        var attempts = Attempts();
        for (var i = 0; ; i++)
        {
            var connection = await dial(cancellationToken).ConfigureAwait(false);
            try
            {
                return attempts[i]
                    ? await MseHandshake.InitiateAsync(connection, infoHash, _options, handshake, cancellationToken).ConfigureAwait(false)
                    : await PlaintextAsync(connection, handshake, cancellationToken).ConfigureAwait(false);
            }
            catch (MseException ex) when (i + 1 < attempts.Length)
            {
                _logger.LogDebug(ex, "{Kind} connection failed; retrying with {Other}", Kind(attempts[i]), Kind(attempts[i + 1]));
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Connects over TCP to <paramref name="remote"/> (from <paramref name="local"/> when given) under the policy, as
    /// <see cref="ConnectAsync(Func{CancellationToken, ValueTask{PeerConnection}}, InfoHash, ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// </summary>
    public Task<MseHandshakeResult> ConnectAsync(IPEndPoint remote, IPEndPoint? local, InfoHash infoHash, ReadOnlyMemory<byte> handshake,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return ConnectAsync(async ct =>
        {
            var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (local is not null) socket.Bind(local);
                await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
                return PeerConnection.FromSocket(socket, ConnectionDirection.Outgoing);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }, infoHash, handshake, cancellationToken);
    }

    /// <summary>The kinds to try in order: true for MSE, false for plain BitTorrent.</summary>
    private bool[] Attempts() => _options.Policy switch
    {
        EncryptionPolicy.Disabled => [false],
        EncryptionPolicy.Enabled when _options.OutgoingFirst == CryptoMethods.Rc4 => [true, false],
        EncryptionPolicy.Enabled => [false, true],
        EncryptionPolicy.Preferred => [true, false],
        _ => [true],
    };

    private static string Kind(bool mse) => mse ? "an MSE" : "a plaintext";

    private async Task<MseHandshakeResult> PlaintextAsync(PeerConnection connection, ReadOnlyMemory<byte> handshake, CancellationToken cancellationToken)
    {
        if (handshake.IsEmpty) return new MseHandshakeResult(connection, CryptoMethods.None, null);
        var transport = connection.Transport;
        await transport.Output.WriteAsync(handshake, cancellationToken).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        byte[] first;
        try
        {
            first = await HandshakeReader.PeekAsync(transport.Input, 20, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MseException(MseFailure.Timeout, "no BitTorrent handshake from the peer", ex);
        }
        catch (Exception ex) when (ex is IOException and not MseException)
        {
            throw new MseException(MseFailure.ConnectionClosed, ex.Message, ex);
        }
        if (first[0] != 19 || !first.AsSpan(1).SequenceEqual(MessageWriter.ProtocolName))
            throw new MseException(MseFailure.RefusedByPolicy, "the peer did not answer with a BitTorrent handshake");
        var output = new EncryptingPipeWriter(transport.Output, null, handshake);
        return new MseHandshakeResult(MseHandshake.Wrap(connection, transport.Input, output, encrypted: false), CryptoMethods.None, null);
    }
}
