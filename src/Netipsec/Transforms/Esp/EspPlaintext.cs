using Netipsec.Packets;

namespace Netipsec.Transforms.Esp;

/// <summary>Where an opened ESP packet's payload lies in the packet, without its padding, and what its trailer named.</summary>
/// <param name="Offset">The payload's first byte.</param>
/// <param name="Length">The payload's length: up to the ESP padding.</param>
/// <param name="HeaderLength">The ESP header's length, IV included.</param>
/// <param name="NextHeader">The trailer's next header.</param>
internal readonly record struct EspPlaintext(int Offset, int Length, int HeaderLength, IpProtocol NextHeader)
{
    /// <summary>The packet's length once the ESP header and trailer are gone: what the SA's lifetime counts.</summary>
    public int LengthWithoutEsp => Offset - HeaderLength + Length;
}
