using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Netipsec.States;

/// <summary>
/// Picks unused SPIs for GETSPI: a few random probes (unpredictable SPIs make blind spoofing harder), then a
/// bounded linear scan from a random point, so a nearly full range still yields an SPI and an exhausted one fails
/// in bounded time.
/// </summary>
/// <param name="random">A seeded source for tests; null uses the operating system's cryptographic generator.</param>
internal sealed class SpiAllocator(Random? random)
{
    /// <summary>RFC 4303 §2.1: SPI 0 is for local use and 1–255 are reserved by IANA, so allocation starts here.</summary>
    public const uint FirstAssignableSpi = 256;

    private const int RandomProbes = 16;

    /// <summary>The scan is exhaustive for ranges up to this size and bounded beyond it.</summary>
    private const ulong MaxScan = 1 << 16;

    /// <summary>Finds a free SPI in [<paramref name="min"/>, <paramref name="max"/>] (both already clamped and ordered).</summary>
    public bool TryAllocate<TState>(uint min, uint max, TState state, Func<TState, uint, bool> isFree, out uint spi)
    {
        ulong span = (ulong)max - min + 1;
        for (int probe = 0; probe < RandomProbes; probe++)
        {
            spi = (uint)(min + Draw(span));
            if (isFree(state, spi))
            {
                return true;
            }
        }

        ulong start = Draw(span);
        ulong scan = Math.Min(span, MaxScan);
        for (ulong step = 0; step < scan; step++)
        {
            spi = (uint)(min + ((start + step) % span));
            if (isFree(state, spi))
            {
                return true;
            }
        }

        spi = 0;
        return false;
    }

    /// <summary>A uniform-enough value in [0, span): a 64-bit draw reduced modulo a span of at most 2^32.</summary>
    private ulong Draw(ulong span)
    {
        if (random is not null)
        {
            return (ulong)random.NextInt64((long)span);
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes) % span;
    }
}
