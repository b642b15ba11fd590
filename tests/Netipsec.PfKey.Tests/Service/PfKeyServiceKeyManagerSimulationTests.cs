using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Simulation;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>
/// A key manager driving two simulated gateways through their PF_KEY services only: a packet without an SA raises
/// ACQUIRE, the key manager answers it as RFC 2367 §3.1.6 says, and the traffic then flows.
/// </summary>
public sealed class PfKeyServiceKeyManagerSimulationTests
{
    [Fact]
    public void APacketWithoutAnSaRaisesAcquireAndTrafficFlowsOnceTheKeyManagerAnswers()
    {
        var scenario = new SiteToSiteScenario(new ManualClock());
        Assert.Equal(Policies.SpdStatus.Ok, scenario.InstallPolicies());
        var west = new PfKeyService(scenario.WestGateway.Engine);
        var east = new PfKeyService(scenario.EastGateway.Engine);
        var westKeyManager = new RecordingClient(1);
        var eastKeyManager = new RecordingClient(2);
        west.Attach(westKeyManager.Client);
        east.Attach(eastKeyManager.Client);
        Assert.Equal(PfKeyResult.Success, west.Process(westKeyManager.Client, Build(MessageType.Register, SaType.Esp, 1)));
        byte[] packet = Traffic.Udp(scenario.WestHostAddress, scenario.EastHostAddress, 5000, 53);

        scenario.WestHost.Send(packet);

        Assert.Empty(scenario.EastHost.Inbox);
        PfKeyMessage acquire = Parse(westKeyManager.Received[^1]);
        Assert.Equal(MessageType.Acquire, acquire.Header.Type);
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal((scenario.WestGatewayOuter, scenario.EastGatewayOuter), (source.Sockaddr.Address, destination.Sockaddr.Address));
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination));
        Assert.Equal((scenario.EastHostAddress, (ushort)53), (innerDestination.Sockaddr.Address, innerDestination.Sockaddr.Port));
        uint sequence = acquire.Header.Sequence;

        Assert.Equal(PfKeyResult.Success, west.Process(westKeyManager.Client, Build(MessageType.GetSpi, SaType.Esp, sequence, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 1)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(scenario.WestGatewayOuter)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(scenario.EastGatewayOuter)));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(0x10000, 0x1ffff)));
        })));
        Assert.True(Parse(westKeyManager.Received[^1]).TryGetSa(out SaExtension larval));

        // The same SA, outbound at west (completing the ACQUIRE) and inbound at east.
        Assert.Equal(PfKeyResult.Success, west.Process(westKeyManager.Client, TunnelSa(MessageType.Update, scenario, larval.Spi, sequence, SaFlags.Outbound)));
        Assert.Equal(PfKeyResult.Success, east.Process(eastKeyManager.Client, TunnelSa(MessageType.Add, scenario, larval.Spi, 1, SaFlags.Inbound)));

        scenario.WestHost.Send(packet);
        Assert.Contains(packet, scenario.EastHost.Inbox);
    }

    private static byte[] TunnelSa(MessageType type, SiteToSiteScenario scenario, uint spi, uint sequence, SaFlags direction) =>
        Build(type, SaType.Esp, sequence, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(spi, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, direction | SaFlags.Tunnel)));
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 1)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(scenario.WestGatewayOuter)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(scenario.EastGatewayOuter)));
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerSrc, Address(scenario.WestSite.Address, (byte)scenario.WestSite.Length)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, Address(scenario.EastSite.Address, (byte)scenario.EastSite.Length)));
        });
}
