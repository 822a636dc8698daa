using System.Buffers.Binary;
using System.IO.Pipelines;
using BitTorrent.Encryption;

namespace BitTorrent.Encryption.Tests;

/// <summary>A hand-driven MSE initiator that can send a wrong step 3 (the fields a hostile peer controls).</summary>
internal static class RawInitiator
{
    public static async Task SendStep3Async(IDuplexPipe pipe, InfoHash infoHash, uint provide = 3, ushort padC = 0, byte vcByte = 0, ushort ia = 0)
    {
        var keys = new MseKeyExchange();
        await pipe.Output.WriteAsync(keys.PublicKey);
        var yb = await HandshakeTests.ReadExactlyAsync(pipe.Input, 96);
        var secret = new byte[96];
        Assert.True(keys.TryComputeSecret(yb, secret));

        var step3 = new byte[40 + 8 + 4 + 2 + padC + 2];
        MseKeys.Req1(secret, step3.AsSpan(0, 20));
        MseKeys.Req2(infoHash.Span, step3.AsSpan(20, 20));
        var req3 = new byte[20];
        MseKeys.Req3(secret, req3);
        for (var i = 0; i < 20; i++) step3[20 + i] ^= req3[i];
        step3.AsSpan(40, 8).Fill(vcByte);
        BinaryPrimitives.WriteUInt32BigEndian(step3.AsSpan(48), provide);
        BinaryPrimitives.WriteUInt16BigEndian(step3.AsSpan(52), padC);
        BinaryPrimitives.WriteUInt16BigEndian(step3.AsSpan(54 + padC), ia);
        MseKeys.Cipher(keyA: true, secret, infoHash.Span).Transform(step3.AsSpan(40));
        await pipe.Output.WriteAsync(step3);
    }
}
