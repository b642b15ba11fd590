using Netipsec.Packets;
using Netipsec.Tests.Packets;
using Netipsec.Transforms.Ah;

namespace Netipsec.Tests.Transforms.Ah;

/// <summary>How the IP headers in front of AH are put into the form the ICV covers (RFC 4302 §3.3.3.1, Appendix A).</summary>
public sealed class AhMutableFieldsTests
{
    [Fact]
    public void Ipv4_zeroes_tos_flags_fragment_ttl_checksum_and_mutable_options_whole_keeping_immutable_ones()
    {
        // Security (130, immutable), an unknown option 0x99 (mutable by default), end of list, then bytes after it.
        byte[] options = [130, 4, 0xAA, 0xBB, 0x99, 3, 0xCC, 0, 0xDD, 0xEE, 0xFF, 0x11];
        byte[] header = TestPackets.Ipv4(IpProtocol.Ah, [], options: options);
        header[1] = 0xFC;
        header[6] = 0x5F;
        header[7] = 0xFF;

        Assert.True(AhMutableFields.TryPrepare(header, IpVersion.V4));

        Assert.Equal(0, header[1]);
        Assert.Equal([0, 0, 0], header[6..9]);
        Assert.Equal([0, 0], header[10..12]);
        Assert.Equal([0x48, 0, 32, 0x12, 0x34], [header[0], .. header[2..6]]);
        Assert.Equal(TestPackets.V4Destination, new Ipv4Header(header).Destination);
        Assert.Equal([130, 4, 0xAA, 0xBB, 0, 0, 0, 0, 0xDD, 0xEE, 0xFF, 0x11], header[20..]);
    }

    [Fact]
    public void Finished_source_routes_leave_the_destination_alone()
    {
        byte[] options = [137, 7, 8, 203, 0, 113, 5, 1]; // SSRR whose pointer is past its one address
        byte[] header = TestPackets.Ipv4(IpProtocol.Ah, [], options: options);

        Assert.True(AhMutableFields.TryPrepare(header, IpVersion.V4));

        Assert.Equal(TestPackets.V4Destination, new Ipv4Header(header).Destination);
        Assert.Equal(new byte[7], header[20..27]);
    }

    [Theory]
    [InlineData(new byte[] { 0x99, 9, 0, 0 })]        // option longer than the header
    [InlineData(new byte[] { 1, 1, 1, 0x99 })]        // length byte missing
    [InlineData(new byte[] { 0x99, 1, 0, 0 })]        // length below 2
    public void Ipv4_options_that_overrun_are_refused(byte[] options)
    {
        byte[] header = TestPackets.Ipv4(IpProtocol.Ah, [], options: options);
        Assert.False(AhMutableFields.TryPrepare(header, IpVersion.V4));
    }

    [Fact]
    public void Ipv6_zeroes_class_flow_hop_limit_and_may_change_option_data()
    {
        // Destination options: Pad1, a may-change option (0x3E, 2 bytes), an immutable one (0x1E, 1 byte).
        byte[] options = [(byte)IpProtocol.Ah, 0, 0, 0x3E, 2, 0x11, 0x22, 0x1E, 1, 0x33, 1, 0, 0, 0, 0, 0];
        options[1] = 1;
        byte[] headers = TestPackets.Ipv6(IpProtocol.DestinationOptions, options);
        headers[0] = 0x6F;
        headers[1] = 0xFF;
        headers[3] = 0x42;

        Assert.True(AhMutableFields.TryPrepare(headers, IpVersion.V6));

        Assert.Equal([0x60, 0, 0, 0], headers[..4]);
        Assert.Equal(0, headers[7]);
        Assert.Equal([(byte)IpProtocol.Ah, 1, 0, 0x3E, 2, 0, 0, 0x1E, 1, 0x33, 1, 0, 0, 0, 0, 0], headers[40..]);
    }

    [Fact]
    public void Type_0_routing_header_is_rearranged_as_the_final_destination_sees_it()
    {
        byte[] a = Address(0xA);
        byte[] b = Address(0xB);
        byte[] c = Address(0xC);
        byte[] first = Address(0x1);
        // Two of three addresses still to visit: the packet is on its way to b (current destination) after a.
        byte[] routing = [(byte)IpProtocol.Ah, 6, 0, 2, 0, 0, 0, 0, .. first, .. b, .. c];
        byte[] headers = TestPackets.Ipv6(IpProtocol.Routing, routing);
        a.CopyTo(headers, 24);

        Assert.True(AhMutableFields.TryPrepare(headers, IpVersion.V6));

        Assert.Equal(c, headers[24..40]);
        Assert.Equal(0, headers[40 + 3]);
        Assert.Equal([.. first, .. a, .. b], headers[48..]);
    }

    [Fact]
    public void Ipv6_refuses_unknown_headers_and_overrunning_options()
    {
        byte[] unknown = TestPackets.Ipv6((IpProtocol)253, [(byte)IpProtocol.Ah, 0, 0, 0, 0, 0, 0, 0]);
        Assert.False(AhMutableFields.TryPrepare(unknown, IpVersion.V6));

        byte[] overrun = TestPackets.Ipv6(IpProtocol.HopByHopOptions, [(byte)IpProtocol.Ah, 0, 0x3E, 9, 0, 0, 0, 0]);
        Assert.False(AhMutableFields.TryPrepare(overrun, IpVersion.V6));

        byte[] segments = TestPackets.Ipv6(IpProtocol.Routing, [(byte)IpProtocol.Ah, 2, 2, 2, 0, 0, 0, 0, .. Address(9)]);
        Assert.False(AhMutableFields.TryPrepare(segments, IpVersion.V6));
    }

    private static byte[] Address(byte last)
    {
        byte[] address = AhTestData.Bytes(TestPackets.V6Source);
        address[^1] = last;
        return address;
    }
}
