using System.Buffers.Binary;
using System.IO.Pipelines;
using BitTorrent.Wire;

namespace BitTorrent.Encryption;

public static partial class MseHandshake
{
    private static async Task<MseHandshakeResult> RespondCoreAsync(PeerConnection connection, MseTorrentTable torrents, MseOptions options,
        CancellationToken cancellationToken)
    {
        var transport = connection.Transport;
        var keys = new MseKeyExchange();
        var secret = await ReceivePublicKeyAsync(transport.Input, keys, cancellationToken).ConfigureAwait(false);
        await SendPublicKeyAsync(transport.Output, keys, cancellationToken).ConfigureAwait(false);

        // Step 3: HASH('req1', S) ends within 96 + 512 + 20 = 628 bytes of the stream's start.
        var req1 = new byte[MseKeys.HashLength];
        MseKeys.Req1(secret, req1);
        await HandshakeReader.SynchroniseAsync(transport.Input, req1, MaxPadding, "HASH('req1', S)", cancellationToken).ConfigureAwait(false);
        var obfuscated = new byte[MseKeys.HashLength];
        await HandshakeReader.ReadExactAsync(transport.Input, obfuscated, cancellationToken).ConfigureAwait(false);
        var infoHash = FindTorrent(torrents, secret, obfuscated);

        var decrypt = MseKeys.Cipher(keyA: true, secret, infoHash.Span);
        var encrypt = MseKeys.Cipher(keyA: false, secret, infoHash.Span);
        var header = await ReadDecryptedAsync(transport.Input, decrypt, VcLength + 4 + 2, cancellationToken).ConfigureAwait(false);
        if (header.AsSpan(0, VcLength).ContainsAnyExcept((byte)0))
            throw new MseException(MseFailure.InvalidVerificationConstant, "the decrypted VC is not zero");
        var provide = (CryptoMethods)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(VcLength));
        var padC = ReadLength(header.AsSpan(VcLength + 4), MaxPadding, "PadC");
        var rest = await ReadDecryptedAsync(transport.Input, decrypt, padC + 2, cancellationToken).ConfigureAwait(false);
        var initialPayloadLength = ReadLength(rest.AsSpan(padC), options.MaxInitialPayload, "IA");
        var select = Select(provide, options);

        // Step 4: VC, crypto_select, an empty PadD.
        var answer = transport.Output.GetSpan(VcLength + 4 + 2)[..(VcLength + 4 + 2)];
        answer[..VcLength].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(answer[VcLength..], (uint)select);
        BinaryPrimitives.WriteUInt16BigEndian(answer[(VcLength + 4)..], 0);
        encrypt.Transform(answer);
        transport.Output.Advance(answer.Length);
        await transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        // IA stays in the pipe: RC4 decrypts it with the rest of the stream; header-only decrypts just IA.
        var rc4 = select == CryptoMethods.Rc4;
        PipeReader input = rc4 ? new DecryptingPipeReader(transport.Input, decrypt)
            : initialPayloadLength > 0 ? new DecryptingPipeReader(transport.Input, decrypt, initialPayloadLength)
            : transport.Input;
        PipeWriter output = rc4 ? new EncryptingPipeWriter(transport.Output, encrypt, default) : transport.Output;
        return new MseHandshakeResult(Wrap(connection, input, output, rc4), select, infoHash);
    }

    private static InfoHash FindTorrent(MseTorrentTable torrents, byte[] secret, byte[] obfuscated)
    {
        Span<byte> req3 = stackalloc byte[MseKeys.HashLength];
        MseKeys.Req3(secret, req3);
        for (var i = 0; i < req3.Length; i++) req3[i] ^= obfuscated[i];
        return torrents.TryFind(req3, out var infoHash)
            ? infoHash
            : throw new MseException(MseFailure.UnknownInfoHash, "HASH('req2', SKEY) names no torrent we serve");
    }

    private static CryptoMethods Select(CryptoMethods provide, MseOptions options)
    {
        var common = provide & options.AllowedMethods & (CryptoMethods.Plaintext | CryptoMethods.Rc4);
        if (common == (CryptoMethods.Plaintext | CryptoMethods.Rc4)) return options.PreferRc4 ? CryptoMethods.Rc4 : CryptoMethods.Plaintext;
        return common != CryptoMethods.None
            ? common
            : throw new MseException(MseFailure.NoCommonMethod, $"crypto_provide 0x{(uint)provide:x} has no method we allow");
    }
}
