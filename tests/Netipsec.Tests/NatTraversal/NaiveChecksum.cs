using Netipsec.Packets;
using Netipsec.Tests.Packets;

namespace Netipsec.Tests.NatTraversal;

/// <summary>The reference the NAT-T checksums are compared with: pseudo-header and message laid out byte by byte and summed word by word.</summary>
internal static class NaiveChecksum
{
    /// <summary>The TCP/UDP checksum of <paramref name="message"/> (checksum field taken as zero) between two addresses.</summary>
    public static ushort Transport(IpAddress source, IpAddress destination, IpProtocol protocol, ReadOnlySpan<byte> message, int checksumField)
    {
        var bytes = new List<byte>();
        bytes.AddRange(Bytes(source));
        bytes.AddRange(Bytes(destination));
        if (source.Version == IpVersion.V4)
        {
            bytes.AddRange([0, (byte)protocol, (byte)(message.Length >> 8), (byte)message.Length]);
        }
        else
        {
            bytes.AddRange([(byte)(message.Length >> 24), (byte)(message.Length >> 16), (byte)(message.Length >> 8), (byte)message.Length, 0, 0, 0, (byte)protocol]);
        }

        byte[] zeroed = message.ToArray();
        zeroed[checksumField] = 0;
        zeroed[checksumField + 1] = 0;
        bytes.AddRange(zeroed);
        return (ushort)~TestPackets.NaiveSum([.. bytes]);
    }

    public static byte[] Bytes(IpAddress address)
    {
        byte[] bytes = new byte[address.ByteLength];
        address.WriteTo(bytes);
        return bytes;
    }
}
