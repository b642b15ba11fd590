using Netipsec.Packets;
using static Netipsec.Tests.Packets.TestPackets;

namespace Netipsec.Tests.Packets;

/// <summary>
/// Feeds mutated and truncated packets to every parser: each must return a status and never throw, and a success must
/// report offsets inside the buffer.
/// </summary>
public sealed class PacketParserRobustnessTests
{
    private const int Iterations = 20_000;

    private static readonly byte[][] Seeds =
    [
        Ipv4(IpProtocol.Tcp, Tcp(443, 51000)),
        Ipv4(IpProtocol.Udp, Udp(500, 4500, 12)),
        Ipv4(IpProtocol.Icmp, Icmp(8, 0)),
        Ipv4(IpProtocol.Tcp, Tcp(22, 2222), options: [0x94, 4, 0, 0, 1, 1, 1, 0]),
        Ipv4(IpProtocol.Udp, [1, 2, 3], fragmentOffsetUnits: 100, moreFragments: true),
        Ipv6(IpProtocol.Tcp, Tcp(80, 40000)),
        Ipv6(IpProtocol.Icmpv6, Icmp(128, 0)),
        Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.DestinationOptions, 8), Extension(IpProtocol.Routing, 16), Extension(IpProtocol.Udp, 8), Udp(53, 5353))),
        Ipv6(IpProtocol.Fragment, Concat(Fragment(IpProtocol.Tcp, 0, more: true, 1), Tcp(1, 2))),
        Ipv6(IpProtocol.Fragment, Concat(Fragment(IpProtocol.Udp, 1232, more: false, 2), new byte[16])),
        Ipv6(IpProtocol.Ah, Concat(Ah(IpProtocol.Mobility, 24), [59, 0, 1, 0, 0, 0, 0, 0])),
    ];

    [Fact]
    public void ParsersReturnAStatusForAnyMutationAndNeverThrow()
    {
        var random = new Random(20240611);
        int successes = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] packet = Mutate(Seeds[random.Next(Seeds.Length)], random);
            successes += CheckAllParsers(packet);
        }

        // Mutations must not be so violent that nothing parses: the success paths need exercising too.
        Assert.InRange(successes, Iterations / 4, Iterations * 4);
    }

    [Fact]
    public void ParsersSurviveEveryTruncationOfEverySeed()
    {
        foreach (byte[] seed in Seeds)
        {
            for (int length = 0; length <= seed.Length; length++)
            {
                CheckAllParsers(seed[..length]);
            }
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] packet = (byte[])seed.Clone();
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(5))
            {
                case 0:
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    packet[random.Next(packet.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    // Hit the length fields and next-header bytes most parsers trust.
                    int[] interesting = [0, 2, 3, 4, 5, 6, 40, 41, 48, 49];
                    int at = interesting[random.Next(interesting.Length)];
                    if (at < packet.Length)
                    {
                        packet[at] = (byte)random.Next(256);
                    }

                    break;
                case 3:
                    packet = packet[..random.Next(packet.Length + 1)];
                    break;
                default:
                    packet = Concat(packet, new byte[random.Next(1, 24)]);
                    break;
            }

            if (packet.Length == 0)
            {
                break;
            }
        }

        return packet;
    }

    /// <summary>Runs every parser; returns how many succeeded.</summary>
    private static int CheckAllParsers(byte[] packet)
    {
        int successes = 0;
        if (Ipv4Header.TryParse(packet, out Ipv4Header v4, out PacketError error))
        {
            successes++;
            Assert.Equal(PacketError.None, error);
            Assert.InRange(v4.HeaderLength, Ipv4Header.MinLength, v4.TotalLength);
            Assert.InRange(v4.TotalLength, v4.HeaderLength, packet.Length);
            Assert.Equal(v4.TotalLength - v4.HeaderLength, v4.Payload.Length);
            _ = v4.Options.Length;
            _ = v4.VerifyChecksum();
        }
        else
        {
            Assert.NotEqual(PacketError.None, error);
        }

        if (Ipv6Header.TryParse(packet, out Ipv6Header v6, out error))
        {
            successes++;
            Assert.InRange(Ipv6Header.Length + v6.PayloadLength, Ipv6Header.Length, packet.Length);
            _ = v6.Payload.Length;
        }
        else
        {
            Assert.NotEqual(PacketError.None, error);
        }

        if (Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out error))
        {
            successes++;
            Assert.InRange(chain.PacketLength, Ipv6Header.Length, packet.Length);
            Assert.InRange(chain.UpperLayerOffset, Ipv6Header.Length, chain.PacketLength);
            Assert.InRange(chain.IpsecInsertionOffset, Ipv6Header.Length, chain.UpperLayerOffset);
            Assert.InRange(chain.IpsecNextHeaderOffset, Ipv6Header.NextHeaderOffset, chain.IpsecInsertionOffset - 1);
            Assert.InRange(chain.ExtensionHeaderCount, 0, Ipv6ExtensionWalker.MaxExtensionHeaders);
        }
        else
        {
            Assert.NotEqual(PacketError.None, error);
            Assert.Equal(default, chain);
        }

        if (FlowExtractor.TryExtract(packet, 1, out Flow flow, out error))
        {
            successes++;
            Assert.Equal(packet[0] >> 4, (int)flow.Version);
            Assert.Equal(1, flow.InterfaceIndex);
        }
        else
        {
            Assert.NotEqual(PacketError.None, error);
        }

        return successes;
    }
}
