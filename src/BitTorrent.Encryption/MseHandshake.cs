using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitTorrent.Wire;

namespace BitTorrent.Encryption;

/// <summary>
/// The MSE handshake over a connected pipe, as the initiator (A, who dialled) or the receiver (B):
/// <code>
/// 1 A→B: Ya, PadA
/// 2 B→A: Yb, PadB
/// 3 A→B: HASH('req1', S), HASH('req2', SKEY) ⊕ HASH('req3', S), ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
/// 4 B→A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
/// 5 A→B: ENCRYPT2(payload)
/// </code>
/// Every step is bounded (lengths, the sync searches, <see cref="MseOptions.HandshakeTimeout"/>); a failure throws
/// <see cref="MseException"/> and leaves the plaintext connection for the caller to dispose.
/// </summary>
public static partial class MseHandshake
{
    /// <summary>The most padding allowed before a sync marker and in PadC/PadD.</summary>
    public const int MaxPadding = 512;

    private const int VcLength = 8;

    /// <summary>
    /// Runs the handshake as the initiator for <paramref name="infoHash"/>, offering <see cref="MseOptions.AllowedMethods"/>.
    /// <paramref name="initialPayload"/> (IA), typically our 68-byte BitTorrent handshake, travels encrypted in step 3;
    /// when the wire then writes the same bytes first, the returned transport drops them rather than sending them twice.
    /// </summary>
    public static async Task<MseHandshakeResult> InitiateAsync(PeerConnection connection, InfoHash infoHash, MseOptions? options = null,
        ReadOnlyMemory<byte> initialPayload = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new MseOptions();
        if (initialPayload.Length > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(initialPayload), "IA is at most 65535 bytes");
        if ((options.AllowedMethods & (CryptoMethods.Plaintext | CryptoMethods.Rc4)) == 0)
            throw new ArgumentException("AllowedMethods offers no method", nameof(options));
        return await WithTimeoutAsync(options, ct => InitiateCoreAsync(connection, infoHash, options, initialPayload, ct), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the handshake as the receiver of a connection whose first bytes are Ya (see <see cref="AcceptAsync"/> to
    /// tell plaintext from MSE first), finding the torrent in <paramref name="torrents"/>.
    /// </summary>
    public static async Task<MseHandshakeResult> RespondAsync(PeerConnection connection, MseTorrentTable torrents, MseOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(torrents);
        options ??= new MseOptions();
        return await WithTimeoutAsync(options, ct => RespondCoreAsync(connection, torrents, options, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Accepts an incoming connection under <see cref="MseOptions.Policy"/>: a first byte 19 followed by
    /// "BitTorrent protocol" is a plain BitTorrent handshake (returned untouched, nothing consumed), anything else is
    /// answered as MSE. A kind the policy refuses throws <see cref="MseFailure.RefusedByPolicy"/>.
    /// </summary>
    public static async Task<MseHandshakeResult> AcceptAsync(PeerConnection connection, MseTorrentTable torrents, MseOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(torrents);
        options ??= new MseOptions();
        return await WithTimeoutAsync(options, async ct =>
        {
            var first = await HandshakeReader.PeekAsync(connection.Transport.Input, 20, ct).ConfigureAwait(false);
            var plaintext = first[0] == 19 && first.AsSpan(1).SequenceEqual("BitTorrent protocol"u8);
            if (plaintext)
            {
                if (options.Policy == EncryptionPolicy.Required)
                    throw new MseException(MseFailure.RefusedByPolicy, "a plaintext connection under the Required policy");
                return new MseHandshakeResult(connection, CryptoMethods.None, null);
            }
            if (options.Policy == EncryptionPolicy.Disabled)
                throw new MseException(MseFailure.RefusedByPolicy, "not a BitTorrent handshake, and encryption is disabled");
            return await RespondCoreAsync(connection, torrents, options, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<MseHandshakeResult> WithTimeoutAsync(MseOptions options, Func<CancellationToken, Task<MseHandshakeResult>> run,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.HandshakeTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await run(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MseException(MseFailure.Timeout, $"no complete handshake within {options.HandshakeTimeout}", ex);
        }
        catch (Exception ex) when (ex is (IOException or SocketException) and not MseException)
        {
            throw new MseException(MseFailure.ConnectionClosed, ex.Message, ex);
        }
    }

    /// <summary>Steps 1 and 2 from either side: sends our public key and random padding, flushes.</summary>
    private static async ValueTask SendPublicKeyAsync(PipeWriter output, MseKeyExchange keys, CancellationToken cancellationToken)
    {
        var padding = RandomNumberGenerator.GetInt32(MaxPadding + 1);
        var buffer = output.GetSpan(MseKeyExchange.KeyLength + padding);
        keys.PublicKey.Span.CopyTo(buffer);
        RandomNumberGenerator.Fill(buffer.Slice(MseKeyExchange.KeyLength, padding));
        output.Advance(MseKeyExchange.KeyLength + padding);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the peer's 96-byte public key and computes S.</summary>
    private static async ValueTask<byte[]> ReceivePublicKeyAsync(PipeReader input, MseKeyExchange keys, CancellationToken cancellationToken)
    {
        var peerKey = new byte[MseKeyExchange.KeyLength];
        await HandshakeReader.ReadExactAsync(input, peerKey, cancellationToken).ConfigureAwait(false);
        var secret = new byte[MseKeyExchange.KeyLength];
        if (!keys.TryComputeSecret(peerKey, secret))
            throw new MseException(MseFailure.InvalidPublicKey, "the peer's public key is not in 2 .. P-2");
        return secret;
    }

    /// <summary>Reads <paramref name="length"/> encrypted bytes, decrypts them and returns them.</summary>
    private static async ValueTask<byte[]> ReadDecryptedAsync(PipeReader input, Rc4 cipher, int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        await HandshakeReader.ReadExactAsync(input, bytes, cancellationToken).ConfigureAwait(false);
        cipher.Transform(bytes);
        return bytes;
    }

    private static ushort ReadLength(ReadOnlySpan<byte> field, int limit, string what)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(field);
        if (length > limit) throw new MseException(MseFailure.InvalidLength, $"{what} of {length} bytes (at most {limit})");
        return length;
    }

    /// <summary>The connection the wire runs over: the plaintext one itself when nothing needs transforming.</summary>
    internal static PeerConnection Wrap(PeerConnection connection, PipeReader input, PipeWriter output, bool encrypted) =>
        ReferenceEquals(input, connection.Transport.Input) && ReferenceEquals(output, connection.Transport.Output)
            ? connection
            : connection.Wrap(new DuplexPipe(input, output), encrypted);

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
