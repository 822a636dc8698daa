using System.Security.Cryptography;

namespace BitTorrent.Dht.Security;

/// <summary>
/// Write tokens (BEP 5): SHA-1 of the querier's IP address and one of two secrets; the secret rotates every
/// 5 minutes and the previous one stays valid, so a token lives 5 to 10 minutes.
/// </summary>
public sealed class TokenManager
{
    /// <summary>The token length in bytes.</summary>
    public const int TokenLength = 8;

    /// <summary>The rotation period.</summary>
    public static readonly TimeSpan RotationInterval = TimeSpan.FromMinutes(5);

    private readonly Random _random;
    private readonly byte[] _current = new byte[16];
    private readonly byte[] _previous = new byte[16];
    private long _rotatedAtTicks;

    /// <summary>Creates the two secrets from <paramref name="random"/>.</summary>
    public TokenManager(Random random, long nowTicks)
    {
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _random.NextBytes(_current);
        _random.NextBytes(_previous);
        _rotatedAtTicks = nowTicks;
    }

    /// <summary>Rotates the secrets if <see cref="RotationInterval"/> has passed since the last rotation.</summary>
    public void RotateIfDue(long nowTicks)
    {
        if (nowTicks - _rotatedAtTicks < RotationInterval.Ticks)
        {
            return;
        }
        _current.CopyTo(_previous, 0);
        _random.NextBytes(_current);
        _rotatedAtTicks = nowTicks;
    }

    /// <summary>The token for a querier at <paramref name="address"/>.</summary>
    public void Create(NodeEndPoint address, Span<byte> token) => Compute(_current, address, token);

    /// <summary>Whether <paramref name="token"/> was handed to <paramref name="address"/> within the last two periods.</summary>
    public bool Validate(ReadOnlySpan<byte> token, NodeEndPoint address)
    {
        if (token.Length != TokenLength)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[TokenLength];
        Compute(_current, address, expected);
        if (CryptographicOperations.FixedTimeEquals(token, expected))
        {
            return true;
        }
        Compute(_previous, address, expected);
        return CryptographicOperations.FixedTimeEquals(token, expected);
    }

    private static void Compute(byte[] secret, NodeEndPoint address, Span<byte> token)
    {
        Span<byte> input = stackalloc byte[16 + 16];
        int n = address.WriteAddress(input);
        secret.CopyTo(input[n..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..(n + secret.Length)], hash);
        hash[..TokenLength].CopyTo(token);
    }
}
