using System.Buffers.Binary;
using System.IO.Pipelines;
using BitTorrent.Wire;
using System.Numerics;

namespace BitTorrent.Encryption;

public static partial class MseHandshake
{
    private static async Task<MseHandshakeResult> InitiateCoreAsync(PeerConnection connection, InfoHash infoHash, MseOptions options,
        ReadOnlyMemory<byte> initialPayload, CancellationToken cancellationToken)
    {
        var transport = connection.Transport;
        var keys = new MseKeyExchange();
        await SendPublicKeyAsync(transport.Output, keys, cancellationToken).ConfigureAwait(false);
        var secret = await ReceivePublicKeyAsync(transport.Input, keys, cancellationToken).ConfigureAwait(false);

        var encrypt = MseKeys.Cipher(keyA: true, secret, infoHash.Span);
        var decrypt = MseKeys.Cipher(keyA: false, secret, infoHash.Span);
        var provide = options.AllowedMethods & (CryptoMethods.Plaintext | CryptoMethods.Rc4);
        WriteStep3(transport.Output, secret, infoHash, encrypt, provide, initialPayload.Span);
        await transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Step 4: B's ENCRYPT(VC) is the first 8 bytes of B's keystream; PadB (up to 512 bytes) may come before it.
        var encryptedVc = new byte[VcLength];
        decrypt.Transform(encryptedVc);
        await HandshakeReader.SynchroniseAsync(transport.Input, encryptedVc, MaxPadding, "encrypted verification constant", cancellationToken)
            .ConfigureAwait(false);
        var header = await ReadDecryptedAsync(transport.Input, decrypt, 4 + 2, cancellationToken).ConfigureAwait(false);
        var select = (CryptoMethods)BinaryPrimitives.ReadUInt32BigEndian(header);
        if (BitOperations.PopCount((uint)select) != 1 || (select & provide) == 0)
            throw new MseException(MseFailure.NoCommonMethod, $"crypto_select 0x{(uint)select:x} is not one of the methods we offered (0x{(uint)provide:x})");
        var padD = ReadLength(header.AsSpan(4), MaxPadding, "PadD");
        await ReadDecryptedAsync(transport.Input, decrypt, padD, cancellationToken).ConfigureAwait(false);

        var rc4 = select == CryptoMethods.Rc4;
        PipeReader input = rc4 ? new DecryptingPipeReader(transport.Input, decrypt) : transport.Input;
        PipeWriter output = rc4 || !initialPayload.IsEmpty
            ? new EncryptingPipeWriter(transport.Output, rc4 ? encrypt : null, initialPayload)
            : transport.Output;
        return new MseHandshakeResult(Wrap(connection, input, output, rc4), select, infoHash);
    }

    private static void WriteStep3(PipeWriter output, byte[] secret, InfoHash infoHash, Rc4 encrypt, CryptoMethods provide,
        ReadOnlySpan<byte> initialPayload)
    {
        const int hashes = 2 * MseKeys.HashLength;
        var length = hashes + VcLength + 4 + 2 + 2 + initialPayload.Length; // PadC is empty, as the spec's standard practice
        var buffer = output.GetSpan(length)[..length];
        MseKeys.Req1(secret, buffer[..20]);
        Span<byte> req3 = stackalloc byte[MseKeys.HashLength];
        MseKeys.Req2(infoHash.Span, buffer[20..40]);
        MseKeys.Req3(secret, req3);
        for (var i = 0; i < req3.Length; i++) buffer[20 + i] ^= req3[i];
        var encrypted = buffer[hashes..];
        encrypted[..VcLength].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(encrypted[VcLength..], (uint)provide);
        BinaryPrimitives.WriteUInt16BigEndian(encrypted[(VcLength + 4)..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(encrypted[(VcLength + 6)..], (ushort)initialPayload.Length);
        initialPayload.CopyTo(encrypted[(VcLength + 8)..]);
        encrypt.Transform(encrypted);
        output.Advance(length);
    }
}
