using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms.Modes;
using static Netipsec.Tests.Transforms.Modes.ModeTestData;

namespace Netipsec.Tests.Transforms.Modes;

public sealed class TunnelModeTests
{
    public static TheoryData<IpVersion, IpVersion> FamilyCombinations => new()
    {
        { IpVersion.V4, IpVersion.V4 },
        { IpVersion.V6, IpVersion.V6 },
        { IpVersion.V4, IpVersion.V6 },
        { IpVersion.V6, IpVersion.V4 },
    };

    [Theory]
    [MemberData(nameof(FamilyCombinations))]
    public void PrepareOutput_puts_an_outer_header_and_the_gap_in_front_of_the_inner_packet(IpVersion inner, IpVersion outer)
    {
        byte[] original = Inner(inner);
        var sa = Sa(XfrmMode.Tunnel, outer);
        var pool = NewPool();
        var packet = Rent(pool, original);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 24, 40));

        int outerLength = outer == IpVersion.V4 ? 20 : 40;
        Assert.Equal(outerLength + 24 + original.Length, packet.Length);
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(outerLength, packet.TransportOffset);
        Assert.Equal(inner == IpVersion.V4 ? IpProtocol.IpInIp : IpProtocol.Ipv6, packet.InnerProtocol);
        Assert.Equal(outer == IpVersion.V4 ? 9 : 6, packet.NextHeaderFieldOffset);
        Assert.True(packet.Tailroom >= 40);
        Assert.True(packet.Data.Slice(outerLength, 24).IndexOfAnyExcept((byte)0) < 0, "the gap is zeroed");
        Assert.True(packet.Data[(outerLength + 24)..].SequenceEqual(original), "the inner packet is untouched");
        if (outer == IpVersion.V4)
        {
            var header = new Ipv4Header(packet.Data);
            Assert.Equal(4, header.Version);
            Assert.Equal(20, header.HeaderLength);
            Assert.Equal(64, header.TimeToLive);
            Assert.Equal(IpProtocol.Esp, header.Protocol);
            Assert.Equal(V4OuterSource, header.Source);
            Assert.Equal(V4OuterDestination, header.Destination);
            Assert.Equal(0, header.FragmentOffset);
            Assert.False(header.MoreFragments);
        }
        else
        {
            var header = new Ipv6Header(packet.Data);
            Assert.Equal(6, header.Version);
            Assert.Equal(64, header.HopLimit);
            Assert.Equal(IpProtocol.Esp, header.NextHeader);
            Assert.Equal(V6OuterSource, header.Source);
            Assert.Equal(V6OuterDestination, header.Destination);
        }

        pool.Return(packet);
    }

    [Theory]
    [MemberData(nameof(FamilyCombinations))]
    public void Round_trip_gives_back_the_inner_packet_byte_for_byte(IpVersion inner, IpVersion outer)
    {
        // DSCP AF41 with ECT(0): what the tunnel must carry through unchanged.
        byte[] original = Inner(inner, trafficClass: (34 << 2) | EcnTunneling.Ect0);
        var sa = Sa(XfrmMode.Tunnel, outer);

        byte[] wire = Protect(sa, original);

        int outerLength = outer == IpVersion.V4 ? 20 : 40;
        Assert.Equal(outerLength + FakeHeaderLength + original.Length + FakeTrailerLength, wire.Length);
        if (outer == IpVersion.V4)
        {
            Assert.Equal(wire.Length, new Ipv4Header(wire).TotalLength);
            Assert.True(new Ipv4Header(wire).VerifyChecksum());
        }
        else
        {
            Assert.Equal(wire.Length - 40, new Ipv6Header(wire).PayloadLength);
        }

        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Theory]
    [MemberData(nameof(FamilyCombinations))]
    public void Input_marks_the_inner_header_and_what_follows_it(IpVersion inner, IpVersion outer)
    {
        var sa = Sa(XfrmMode.Tunnel, outer);
        byte[] original = inner == IpVersion.V4 ? Ipv4(options: Options(8)) : Ipv6();
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, Protect(sa, original));

        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));

        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(inner == IpVersion.V4 ? 28 : 40, packet.TransportOffset);
        Assert.Equal(original, packet.Data.ToArray());
        pool.Return(packet);
    }

    [Theory]
    [MemberData(nameof(FamilyCombinations))]
    public void The_outer_header_copies_the_inner_DSCP(IpVersion inner, IpVersion outer)
    {
        const int expedited = 46;
        byte[] wire = Protect(Sa(XfrmMode.Tunnel, outer), Inner(inner, trafficClass: expedited << 2));

        Assert.Equal(expedited, OuterTrafficClass(wire) >> 2);
    }

    [Theory]
    [InlineData(EcnTunneling.NotEct, EcnTunneling.NotEct)]
    [InlineData(EcnTunneling.Ect0, EcnTunneling.Ect0)]
    [InlineData(EcnTunneling.Ect1, EcnTunneling.Ect1)]
    [InlineData(EcnTunneling.Ce, EcnTunneling.Ect0)]
    public void The_outer_ECN_follows_RFC_6040_normal_mode(int innerEcn, int expectedOuter)
    {
        foreach ((IpVersion inner, IpVersion outer) in Combinations())
        {
            byte[] wire = Protect(Sa(XfrmMode.Tunnel, outer), Inner(inner, trafficClass: (byte)((10 << 2) | innerEcn)));

            Assert.Equal(expectedOuter, OuterTrafficClass(wire) & 3);
            Assert.Equal(10, OuterTrafficClass(wire) >> 2);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_outer_IPv4_DF_copies_the_inner_IPv4_DF(bool dontFragment)
    {
        byte[] wire = Protect(Sa(XfrmMode.Tunnel, IpVersion.V4), Ipv4(dontFragment: dontFragment));

        Assert.Equal(dontFragment, new Ipv4Header(wire).DontFragment);
    }

    [Fact]
    public void The_outer_IPv4_DF_is_set_over_an_inner_IPv6_packet()
    {
        byte[] wire = Protect(Sa(XfrmMode.Tunnel, IpVersion.V4), Ipv6());

        Assert.True(new Ipv4Header(wire).DontFragment);
    }

    [Fact]
    public void Each_outer_IPv4_header_gets_a_new_identification()
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);

        ushort first = new Ipv4Header(Protect(sa, Ipv4())).Identification;
        ushort second = new Ipv4Header(Protect(sa, Ipv4())).Identification;

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_outer_IPv6_flow_label_is_zero_whatever_the_inner_label()
    {
        byte[] wire = Protect(Sa(XfrmMode.Tunnel, IpVersion.V6), Ipv6(flowLabel: 0x12345));

        Assert.Equal(0, new Ipv6Header(wire).FlowLabel);
    }

    /// <summary>RFC 6040 §4.2, Figure 4: inner, outer, then the inner ECN to forward or -1 for a drop.</summary>
    public static TheoryData<int, int, int> DecapsulationTable => new()
    {
        { EcnTunneling.NotEct, EcnTunneling.NotEct, EcnTunneling.NotEct },
        { EcnTunneling.NotEct, EcnTunneling.Ect0, EcnTunneling.NotEct },
        { EcnTunneling.NotEct, EcnTunneling.Ect1, EcnTunneling.NotEct },
        { EcnTunneling.NotEct, EcnTunneling.Ce, EcnTunneling.Drop },
        { EcnTunneling.Ect0, EcnTunneling.NotEct, EcnTunneling.Ect0 },
        { EcnTunneling.Ect0, EcnTunneling.Ect0, EcnTunneling.Ect0 },
        { EcnTunneling.Ect0, EcnTunneling.Ect1, EcnTunneling.Ect1 },
        { EcnTunneling.Ect0, EcnTunneling.Ce, EcnTunneling.Ce },
        { EcnTunneling.Ect1, EcnTunneling.NotEct, EcnTunneling.Ect1 },
        { EcnTunneling.Ect1, EcnTunneling.Ect0, EcnTunneling.Ect1 },
        { EcnTunneling.Ect1, EcnTunneling.Ect1, EcnTunneling.Ect1 },
        { EcnTunneling.Ect1, EcnTunneling.Ce, EcnTunneling.Ce },
        { EcnTunneling.Ce, EcnTunneling.NotEct, EcnTunneling.Ce },
        { EcnTunneling.Ce, EcnTunneling.Ect0, EcnTunneling.Ce },
        { EcnTunneling.Ce, EcnTunneling.Ect1, EcnTunneling.Ce },
        { EcnTunneling.Ce, EcnTunneling.Ce, EcnTunneling.Ce },
    };

    [Theory]
    [MemberData(nameof(DecapsulationTable))]
    public void Input_merges_the_outer_ECN_into_the_inner_per_RFC_6040(int innerEcn, int outerEcn, int expected)
    {
        foreach ((IpVersion inner, IpVersion outer) in Combinations())
        {
            var sa = Sa(XfrmMode.Tunnel, outer);
            byte[] original = Inner(inner, trafficClass: (byte)((26 << 2) | innerEcn));
            byte[] wire = Protect(sa, original);
            SetOuterEcn(wire, outerEcn); // what routers on the way may do
            var pool = NewPool();
            var packet = ReceiveUntilMode(pool, wire);

            ModeStatus status = XfrmModes.Input(sa, packet);

            if (expected == EcnTunneling.Drop)
            {
                Assert.Equal(ModeStatus.EcnDrop, status);
            }
            else
            {
                Assert.Equal(ModeStatus.Ok, status);
                byte[] result = packet.Data.ToArray();
                int trafficClass = inner == IpVersion.V4 ? result[1] : new Ipv6Header(result).TrafficClass;
                Assert.Equal(expected, trafficClass & 3);
                Assert.Equal(26, trafficClass >> 2); // the outer DSCP is not copied in
                if (inner == IpVersion.V4)
                {
                    Assert.True(new Ipv4Header(result).VerifyChecksum(), "the inner checksum follows the ECN change");
                }

                // Everything but the ECN bits is the original packet.
                result[1] = original[1];
                if (inner == IpVersion.V4)
                {
                    result[10] = original[10];
                    result[11] = original[11];
                }

                Assert.Equal(original, result);
            }

            pool.Return(packet);
        }
    }

    [Fact]
    public void A_bad_inner_IPv4_checksum_stays_bad_after_an_ECN_change()
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);
        byte[] original = Ipv4(typeOfService: EcnTunneling.Ect0);
        original[10] ^= 0x55;
        byte[] wire = Protect(sa, original);
        SetOuterEcn(wire, EcnTunneling.Ce);
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, wire);

        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));

        Assert.Equal(EcnTunneling.Ce, packet.Data[1] & 3);
        Assert.False(new Ipv4Header(packet.Data).VerifyChecksum());
        pool.Return(packet);
    }

    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Input_cuts_TFC_padding_behind_the_inner_packet(IpVersion inner)
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);
        byte[] original = Inner(inner);
        var pool = NewPool();
        var packet = Rent(pool, original);
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, FakeHeaderLength, 40));
        packet.Put(17).Fill(0x77); // RFC 4303 §2.7: padding the sender added to hide the inner length
        FakeOutput(sa, packet);
        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));
        byte[] wire = packet.Data.ToArray();
        pool.Return(packet);

        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Theory]
    [InlineData(IpProtocol.IpInIp, IpVersion.V6)]
    [InlineData(IpProtocol.Ipv6, IpVersion.V4)]
    [InlineData(IpProtocol.Tcp, IpVersion.V4)]
    [InlineData(IpProtocol.Esp, IpVersion.V6)]
    public void Input_of_an_inner_packet_that_is_not_what_the_trailer_said_is_malformed(IpProtocol said, IpVersion actual)
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, Protect(sa, Inner(actual)));
        packet.InnerProtocol = said;

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(sa, packet));
        pool.Return(packet);
    }

    [Theory]
    [InlineData(IpVersion.V4, 12)] // shorter than the fixed IPv4 header
    [InlineData(IpVersion.V4, 30)] // shorter than the inner total length
    [InlineData(IpVersion.V6, 39)] // shorter than the fixed IPv6 header
    [InlineData(IpVersion.V6, 50)] // shorter than the inner payload length
    public void Input_of_a_truncated_inner_packet_is_malformed(IpVersion inner, int keep)
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V6);
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, Protect(sa, Inner(inner)));
        packet.Trim(packet.TransportOffset + keep);

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(sa, packet));
        pool.Return(packet);
    }

    [Fact]
    public void An_inner_IPv4_header_with_a_bad_IHL_is_malformed()
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, Protect(sa, Ipv4()));
        packet.TransportHeader[0] = 0x43;

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(sa, packet));
        pool.Return(packet);
    }

    [Fact]
    public void An_SA_whose_addresses_are_of_two_families_is_unsupported()
    {
        var sa = Sa(XfrmMode.Tunnel, V4OuterSource, V6OuterDestination);
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());

        Assert.Equal(ModeStatus.Unsupported, XfrmModes.PrepareOutput(sa, packet, 8, 2));
        pool.Return(packet);
    }

    [Fact]
    public void Output_of_a_packet_that_is_not_IP_is_malformed()
    {
        var pool = NewPool();
        var packet = Rent(pool, [0x70, 1, 2, 3]);

        Assert.Equal(ModeStatus.Malformed, XfrmModes.PrepareOutput(Sa(XfrmMode.Tunnel, IpVersion.V4), packet, 8, 2));
        pool.Return(packet);
    }

    private static IEnumerable<(IpVersion Inner, IpVersion Outer)> Combinations()
    {
        foreach (object[] row in FamilyCombinations)
        {
            yield return ((IpVersion)row[0], (IpVersion)row[1]);
        }
    }

    private static int OuterTrafficClass(byte[] wire) => wire[0] >> 4 == 4 ? wire[1] : new Ipv6Header(wire).TrafficClass;

    private static void SetOuterEcn(byte[] wire, int ecn)
    {
        if (wire[0] >> 4 == 4)
        {
            var header = new Ipv4Header(wire) { Ecn = ecn };
            header.UpdateChecksum();
        }
        else
        {
            var header = new Ipv6Header(wire);
            header.TrafficClass = (byte)((header.TrafficClass & 0xFC) | ecn);
        }
    }
}
