using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>Mutated requests: the service never throws, and a refused request sends nothing to other clients.</summary>
public sealed class PfKeyServiceRobustnessTests
{
    private static byte[][] Seeds() =>
    [
        EspAdd(0x1000, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 5)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, new LifetimeExtension(1, 2, 3, 4)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(10, 20, 30, 40)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerSrc, Address(IpAddress.Parse("10.0.0.0"), 8)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, Address(IpAddress.Parse("10.1.0.0"), 16)));
            Assert.True(writer.TryAddNatTType(new NatTTypeExtension(2)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(4500)));
            Assert.True(writer.TryAddPair(new PairExtension(0x2000)));
        }),
        Build(MessageType.GetSpi, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalV6)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(IpAddress.Parse("2001:db8::2"))));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(0x100, 0x200)));
        }),
        Build(MessageType.SpdAdd, SaType.Unspecified, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local, 24, 6, 80)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer, 24, 6)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 60, 0)));
            IpsecRequest tunnel = new(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Require, 1)
            {
                TunnelSource = new Sockaddr(Local),
                TunnelDestination = new Sockaddr(Peer),
            };
            Assert.True(writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 0, 0), [tunnel]));
        }),
        ById(MessageType.Get, 0x1000),
    ];

    [Fact]
    public void MutatedRequestsNeverThrowAndNeverLeakARefusalToOthers()
    {
        var random = new Random(2367);
        var harness = new ServiceHarness();
        byte[][] seeds = Seeds();
        for (int i = 0; i < 20000; i++)
        {
            byte[] message = (byte[])seeds[i % seeds.Length].Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                // Leave the version and length alone most of the time, so the mutations reach the extensions.
                int position = random.Next(8) == 0 ? random.Next(message.Length) : 8 + random.Next(message.Length - 8);
                message[position] = (byte)random.Next(256);
            }

            int othersBefore = harness.Other.Received.Count;
            PfKeyResult result = harness.Service.Process(harness.Sender.Client, message);

            if (!result.IsSuccess)
            {
                Assert.Equal(othersBefore, harness.Other.Received.Count);
            }

            if (i % 50 == 0)
            {
                harness.Engine.States.Flush();
                harness.Engine.Policies.Flush();
            }
        }

        // Every reply the service sent parses back.
        foreach (byte[] reply in harness.Sender.Received)
        {
            Parse(reply);
        }
    }
}
