using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// Key management over the daemons' real PF_KEY sockets (RFC 2367 §3.1.6): both daemons start with policies and no
/// SA; a key manager of the test's own registers for ESP with west, a ping from west's site raises an ACQUIRE, and
/// the key manager answers it with GETSPI and UPDATE (the ACQUIRE's sequence) while it ADDs the other SAs at both
/// ends. West holds the first echo request meanwhile (no larval drop), so that very request is answered.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class AcquireTests(AcquirePair pair) : IClassFixture<AcquirePair>
{
    private const uint EastToWestSpi = 0x9002;
    private const uint SpiMin = 0x9100;
    private const uint SpiMax = 0x91ff;

    private static readonly IpAddress WestOuter = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress EastOuter = IpAddress.Parse("192.0.2.2");

    [NetnsFact]
    public void A_ping_without_SAs_raises_an_ACQUIRE_and_its_held_first_echo_is_answered_once_the_key_manager_keyed_both_ends()
    {
        var watch = new CounterWatch(pair);
        using var west = new PfKeyKeyManager(pair.WestDaemon);
        using var east = new PfKeyKeyManager(pair.EastDaemon);
        Assert.True(west.Request(MessageType.Register, static (ref PfKeyMessageWriter _) => { }).Contains(ExtensionType.SupportedEncrypt));

        Task<(int Code, string Output)> ping = Task.Run(() => Shell.InNamespace(pair.West.Name, "ping", "-c", "1", "-W", "20", "-I", "10.1.0.1", "10.2.0.1"));

        PfKeyMessage acquire = west.Next(MessageType.Acquire);
        uint sequence = acquire.Header.Sequence;
        Assert.Equal(SaType.Esp, acquire.Header.SaType);
        Assert.Equal((WestOuter, EastOuter), (Address(acquire, ExtensionType.AddressSrc), Address(acquire, ExtensionType.AddressDst)));
        Assert.True(IpPrefix.Parse("10.1.0.0/24").Contains(Address(acquire, ExtensionType.AddressInnerSrc)));
        Assert.True(IpPrefix.Parse("10.2.0.0/24").Contains(Address(acquire, ExtensionType.AddressInnerDst)));
        Assert.True(ProposesAesGcm(acquire), "the ACQUIRE's proposal has no AES-GCM-16 combination");
        Assert.False(ping.IsCompleted, "the echo request must wait for its SA, not fail");

        // GETSPI: the daemon picks the SPI of the outbound SA the ACQUIRE asked for, from the key manager's range.
        PfKeyMessage spi = west.Request(MessageType.GetSpi, static (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 0)));
            PfKeyKeyManager.AddEndpoints(ref writer, WestOuter, EastOuter);
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(SpiMin, SpiMax)));
        }, sequence);
        Assert.True(spi.TryGetSa(out SaExtension larval));
        uint westToEast = larval.Spi;
        Assert.InRange(westToEast, SpiMin, SpiMax);

        // East gets both its SAs, west its inbound one; the UPDATE of the larval SA comes last and releases the echo.
        east.Request(MessageType.Add, Sa(westToEast, WestOuter, EastOuter, SaFlags.Inbound));
        east.Request(MessageType.Add, Sa(EastToWestSpi, EastOuter, WestOuter, SaFlags.Outbound));
        west.Request(MessageType.Add, Sa(EastToWestSpi, EastOuter, WestOuter, SaFlags.Inbound));
        west.Request(MessageType.Update, Sa(westToEast, WestOuter, EastOuter, SaFlags.Outbound), sequence);

        (int code, string output) = ping.Result;
        Assert.True(code == 0 && output.Contains("1 received", StringComparison.Ordinal), $"{output}\nwest:\n{pair.WestDaemon.Query("stats")}{pair.WestDaemon.Output}");
        Assert.Equal(0, watch.West("XfrmOutNoStates")); // held, not dropped
        Assert.Equal(0, watch.West("XfrmAcquireError"));
        Assert.Equal(1, watch.West("WireSent"));
        Assert.Equal(2, watch.West("EspPackets"));
        Assert.Equal(1, watch.West("TunWritten"));
        Assert.Equal(1, watch.East("TunWritten"));
        Assert.Equal(2, watch.East("EspPackets"));
        watch.AssertNoInboundErrors();
        Assert.Contains($"spi 0x{westToEast:x8}", pair.WestDaemon.Query("show state"), StringComparison.Ordinal);
    }

    private static IpAddress Address(PfKeyMessage message, ExtensionType type)
    {
        Assert.True(message.TryGetAddress(type, out AddressExtension address), $"no {type}");
        return address.Sockaddr.Address;
    }

    private static bool ProposesAesGcm(PfKeyMessage acquire)
    {
        Assert.True(acquire.TryGetProposal(out ProposalExtension proposal));
        for (int i = 0; i < proposal.Count; i++)
        {
            if (proposal[i].Encrypt == EncryptAlgorithm.AesGcmIcv16)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>SA, SA2, SRC, DST and the test key of an AES-GCM-16 tunnel SA.</summary>
    private static PfKeyKeyManager.Extend Sa(uint spi, IpAddress source, IpAddress destination, SaFlags direction) => (ref PfKeyMessageWriter writer) =>
    {
        Assert.True(writer.TryAddSa(new SaExtension(spi, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, direction | SaFlags.Tunnel)));
        Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 0)));
        PfKeyKeyManager.AddEndpoints(ref writer, source, destination);
        Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(Convert.FromHexString(SiteConfig.Key(spi)[2..]))));
    };
}
