using Netipsec.Packets;

namespace Netipsec.Fuzz;

/// <summary>Every packet parser on one input: IPv4/IPv6 views, the extension-header walker, flow extraction, checksums.</summary>
internal sealed class PacketFuzzTarget : IFuzzTarget
{
    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] copy = input.ToArray(); // the views want a writable span
        if (Ipv4Header.TryParse(copy, out Ipv4Header ipv4, out _))
        {
            _ = ipv4.VerifyChecksum();
            _ = ipv4.Payload.Length + ipv4.Options.Length;
            if (!ipv4.IsFragment && InternetChecksum.HasTransportChecksum(ipv4.Protocol))
            {
                _ = InternetChecksum.VerifyTransportChecksum(ipv4.Source, ipv4.Destination, ipv4.Protocol, ipv4.Payload);
            }
        }

        if (Ipv6Header.TryParse(copy, out Ipv6Header ipv6, out _) && Ipv6ExtensionWalker.TryWalk(copy, out Ipv6ExtensionChain chain, out _))
        {
            _ = ipv6.Payload.Length;
            ReadOnlySpan<byte> upper = copy.AsSpan(chain.UpperLayerOffset, chain.PacketLength - chain.UpperLayerOffset);
            if (InternetChecksum.HasTransportChecksum(chain.UpperLayerProtocol))
            {
                _ = InternetChecksum.VerifyTransportChecksum(ipv6.Source, ipv6.Destination, chain.UpperLayerProtocol, upper);
            }
        }

        _ = FlowExtractor.TryExtract(input, 1, out _, out _);
    }

    public IEnumerable<byte[]> Seeds()
    {
        // IPv4 UDP 192.0.2.1:500 -> 198.51.100.7:4500 with a 4-byte payload.
        yield return Convert.FromHexString("450000200000400040110000C0000201C633640701F41194000C0000DEADBEEF");
        // IPv6 with a hop-by-hop and a destination-options header before TCP.
        yield return Convert.FromHexString(
            "6000000000240040" + "20010DB8000000000000000000000001" + "20010DB8000000000000000000000002"
            + "3C00010400000000" + "0600010400000000"
            + "C3500050" + "00000001" + "00000000" + "50022000" + "00000000");
        // IPv4 ICMP echo request.
        yield return Convert.FromHexString("4500001C0000000040010000C0000201C63364070800000000010001");
    }
}
