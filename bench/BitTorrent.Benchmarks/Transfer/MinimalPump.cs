using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>
/// The ceiling: BEP 3 framing (17-byte requests, 13-byte piece headers plus 16 KiB blocks) with the same pipelining
/// depth over one loopback TCP connection, and no protocol logic at all. Blocks land in a reused buffer.
/// </summary>
internal static class MinimalPump
{
    private const int Block = 16384;
    private const int BufferSize = 256 * 1024;

    public static async Task RunAsync(int blocks, int depth)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connect = client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        server.NoDelay = true;
        await connect;
        var serve = Task.Run(() => Serve(server, blocks));
        await Task.Run(() => Request(client, blocks, depth));
        await serve;
    }

    private static void Serve(Socket socket, int blocks)
    {
        var input = new byte[BufferSize];
        var output = new byte[BufferSize + 13 + Block];
        var data = new byte[Block];
        int have = 0, served = 0;
        while (served < blocks)
        {
            int read = socket.Receive(input, have, input.Length - have, SocketFlags.None);
            if (read == 0) return;
            have += read;
            int at = 0, length = 0;
            while (have - at >= 17)
            {
                int index = BinaryPrimitives.ReadInt32BigEndian(input.AsSpan(at + 5));
                int begin = BinaryPrimitives.ReadInt32BigEndian(input.AsSpan(at + 9));
                at += 17;
                BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(length), 9 + Block);
                output[length + 4] = 7;
                BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(length + 5), index);
                BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(length + 9), begin);
                data.CopyTo(output, length + 13);
                length += 13 + Block;
                served++;
                if (length > BufferSize) { SendAll(socket, output, length); length = 0; }
            }
            if (length > 0) SendAll(socket, output, length);
            input.AsSpan(at, have - at).CopyTo(input);
            have -= at;
        }
    }

    private static void Request(Socket socket, int blocks, int depth)
    {
        var requests = new byte[17 * Math.Max(depth, 1024)];
        int sent = 0, received = 0, pending = 0;
        void Queue(int n)
        {
            for (int i = 0; i < n && sent < blocks; i++, sent++)
            {
                var r = requests.AsSpan(pending);
                BinaryPrimitives.WriteInt32BigEndian(r, 13);
                r[4] = 6;
                BinaryPrimitives.WriteInt32BigEndian(r[5..], sent / 16);
                BinaryPrimitives.WriteInt32BigEndian(r[9..], sent % 16 * Block);
                BinaryPrimitives.WriteInt32BigEndian(r[13..], Block);
                pending += 17;
            }
            if (pending > 0) { SendAll(socket, requests, pending); pending = 0; }
        }
        Queue(depth);
        var input = new byte[BufferSize];
        var blockBuffer = new byte[Block];
        int have = 0;
        while (received < blocks)
        {
            int read = socket.Receive(input, have, input.Length - have, SocketFlags.None);
            if (read == 0) throw new IOException("server closed");
            have += read;
            int at = 0, completed = 0;
            while (have - at >= 4)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(input.AsSpan(at));
                if (have - at < 4 + length) break;
                input.AsSpan(at + 13, Block).CopyTo(blockBuffer);
                at += 4 + length;
                completed++;
            }
            received += completed;
            input.AsSpan(at, have - at).CopyTo(input);
            have -= at;
            Queue(completed);
        }
    }

    private static void SendAll(Socket socket, byte[] buffer, int length)
    {
        for (int sent = 0; sent < length;) sent += socket.Send(buffer, sent, length - sent, SocketFlags.None);
    }
}
