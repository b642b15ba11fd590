using Netipsec.Packets;

namespace Netipsec.States;

/// <summary>
/// What identifies an SA on the wire (RFC 4301 §4.1, Linux's xfrm_id): the destination, the SPI and the protocol.
/// Inbound packets find their SA by exactly this triple.
/// </summary>
/// <remarks>For IPComp the SPI field holds the 16-bit CPI (RFC 3173 §2.2).</remarks>
public readonly record struct SaId(IpAddress Destination, uint Spi, IpsecProtocol Protocol)
{
    // Per process, so which ids share a bucket cannot be worked out from outside.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    /// <summary>
    /// A seeded multiply-xorshift over the SPI, the folded address and the protocol: every inbound packet hashes its SA id, and
    /// the generated record hash (each field through <see cref="HashCode"/>) cost more than the table lookup itself.
    /// </summary>
    public override int GetHashCode()
    {
        ulong hash = ((Destination.Fold() + Seed) * 0x9E3779B97F4A7C15UL) ^ ((ulong)Spi << 8) ^ (ulong)Protocol;
        hash *= 0xC2B2AE3D27D4EB4FUL;
        return (int)(hash >> 32) ^ (int)hash;
    }

    public override string ToString() =>
        $"{Protocol.ToString().ToLowerInvariant()} spi 0x{Spi:x8} dst {Destination}";
}
