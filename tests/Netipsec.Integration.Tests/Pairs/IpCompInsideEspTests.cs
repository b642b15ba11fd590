namespace Netipsec.Integration.Tests.Pairs;

/// <summary>IPComp (DEFLATE, tunnel) inside ESP (transport) between the two sites, from one policy with both templates.</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class IpCompInsideEspTests(IpCompInsideEspPair pair) : IClassFixture<IpCompInsideEspPair>
{
    [NetnsFact]
    public void Compressible_pings_are_compressed_inside_ESP_and_answered_both_ways()
    {
        var watch = new CounterWatch(pair);

        // 1200 bytes of 0xff compress well; the replies echo them, so they compress too.
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1", "-s", "1200", "-p", "ff");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1", "-s", "1200", "-p", "ff");

        Assert.Equal(6, watch.West("IpCompCompressed"));
        Assert.Equal(6, watch.West("IpCompDecompressed"));
        Assert.Equal(6, watch.East("IpCompCompressed"));
        Assert.Equal(6, watch.East("IpCompDecompressed"));
        Assert.Equal(12, watch.West("EspPackets"));
        Assert.Equal(12, watch.East("IpCompPackets"));
        watch.AssertNoInboundErrors();
    }

    // Small packets do not compress (RFC 3173 §2.2): west sends them as IP-in-IP inside ESP transport, and east's
    // IPComp SA's companion decapsulates them; the inbound IPComp template is optional, so the policy accepts them.
    [NetnsFact]
    public void Small_pings_go_uncompressed_through_the_IPComp_tunnel_and_are_answered()
    {
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1", "-s", "16");

        Assert.Equal(0, watch.West("IpCompCompressed"));
        Assert.Equal(3, watch.West("IpCompUncompressedSmall"));
        Assert.Equal(3, watch.East("IpCompUncompressedSmall"));
        Assert.Equal(0, watch.East("IpCompDecompressed"));
        Assert.Equal(6, watch.East("EspPackets"));
        Assert.Equal(3, watch.East("TunWritten"));
        Assert.Equal(3, watch.West("TunWritten"));
        watch.AssertNoInboundErrors();
    }
}
