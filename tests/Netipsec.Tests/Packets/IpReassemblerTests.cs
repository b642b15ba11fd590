using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Netipsec.Packets;
using static Netipsec.Tests.Packets.TestPackets;

namespace Netipsec.Tests.Packets;

public sealed class IpReassemblerTests
{
    private const uint Identification = 0x1234;

    private readonly PacketPool _pool = new(capacity: 512, diagnostics: false);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public enum Order
    {
        InOrder,
        Reverse,
        Shuffled,
    }

    public static TheoryData<IpVersion, Order> FamiliesAndOrders => new()
    {
        { IpVersion.V4, Order.InOrder },
        { IpVersion.V4, Order.Reverse },
        { IpVersion.V4, Order.Shuffled },
        { IpVersion.V6, Order.InOrder },
        { IpVersion.V6, Order.Reverse },
        { IpVersion.V6, Order.Shuffled },
    };

    public static TheoryData<IpVersion> Families => new() { IpVersion.V4, IpVersion.V6 };

    [Theory]
    [MemberData(nameof(FamiliesAndOrders))]
    public void Fragments_in_any_order_give_back_the_datagram_byte_for_byte(IpVersion family, Order order)
    {
        byte[] original = Datagram(family, 3000);
        byte[][] fragments = Fragments(original, 700);
        Assert.Equal(5, fragments.Length);
        int[] sequence = Arrange(fragments.Length, order, seed: 7);
        var reassembler = new IpReassembler(_clock);

        for (int i = 0; i < sequence.Length - 1; i++)
        {
            Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[sequence[i]]), out Packet? none));
            Assert.Null(none);
        }

        Assert.Equal(1, reassembler.InProgress);
        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(fragments[sequence[^1]]), out Packet? datagram));

        Assert.Equal(original, datagram!.Data.ToArray());
        Assert.Equal(0, datagram.NetworkOffset);
        Assert.Equal(1, _pool.RentedCount); // only the datagram: every fragment went back
        _pool.Return(datagram);
        Assert.Equal((0, 0L, 1L, 0L), (reassembler.InProgress, reassembler.BytesHeld, reassembler.Completed, reassembler.Failures));
    }

    [Theory]
    [InlineData(68)]
    [InlineData(576)]
    [InlineData(1280)]
    [InlineData(1500)]
    public void Fragmenter_output_at_several_MTUs_round_trips(int mtu)
    {
        var reassembler = new IpReassembler(_clock);
        foreach (IpVersion family in new[] { IpVersion.V4, IpVersion.V6 })
        {
            byte[] original = Datagram(family, 4000);
            byte[][] fragments = Fragments(original, Math.Max(mtu, family == IpVersion.V6 ? 56 : 28));

            Assert.Equal(original, AddAll(reassembler, fragments, Arrange(fragments.Length, Order.Shuffled, seed: mtu)));
        }

        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Random_datagrams_MTUs_and_orders_round_trip()
    {
        var reassembler = new IpReassembler(_clock);
        Gen.Select(Gen.Int[1, 9000], Gen.Int[80, 1500], Gen.Bool, Gen.Int).Sample((length, mtu, v4, seed) =>
        {
            byte[] original = Datagram(v4 ? IpVersion.V4 : IpVersion.V6, length);
            if (original.Length <= mtu)
            {
                return true;
            }

            byte[][] fragments = Fragments(original, mtu);
            return AddAll(reassembler, fragments, Arrange(fragments.Length, Order.Shuffled, seed)).AsSpan().SequenceEqual(original)
                && reassembler.InProgress == 0 && _pool.RentedCount == 0;
        }, iter: 200, threads: 1); // one thread: the samples share the reassembler, the identification and the pool count
    }

    [Fact]
    public void Ipv4_keeps_the_first_fragments_options_and_gets_a_fresh_total_length_flags_and_checksum()
    {
        byte[] options = [0x07, 7, 4, 0, 0, 0, 0, 0x01, 0x94, 4, 0, 0]; // record route (not copied), no-op, router alert (copied)
        byte[] original = Ipv4(IpProtocol.Udp, Udp(1, 2, dataLength: 1000), options: options);
        byte[][] fragments = Fragments(original, 300);
        Assert.Equal(24, new Ipv4Header(fragments[1]).HeaderLength); // later fragments carry only the copied option

        byte[] whole = AddAll(new IpReassembler(_clock), fragments, Arrange(fragments.Length, Order.Reverse, 0));

        Assert.Equal(original, whole);
        var header = new Ipv4Header(whole);
        Assert.Equal((32, whole.Length, false, 0), (header.HeaderLength, (int)header.TotalLength, header.MoreFragments, header.FragmentOffset));
        Assert.True(header.VerifyChecksum());
    }

    [Fact]
    public void Ipv6_keeps_the_per_fragment_headers_and_restores_the_next_header_chain_and_payload_length()
    {
        byte[] original = Ipv6(IpProtocol.HopByHopOptions, Concat(
            Extension(IpProtocol.Routing, 8),
            Extension(IpProtocol.DestinationOptions, 24),
            Extension(IpProtocol.Udp, 16),
            Udp(7, 8, dataLength: 2000)));
        byte[][] fragments = Fragments(original, 1000);

        byte[] whole = AddAll(new IpReassembler(_clock), fragments, Arrange(fragments.Length, Order.Shuffled, 3));

        Assert.Equal(original, whole); // byte 48 names the destination options again, payload length is the original's
    }

    [Fact]
    public void The_first_fragments_next_header_counts_for_IPv6_and_other_fragments_may_name_another()
    {
        byte[] data = Bytes(48, seed: 1);
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V6Fragment(IpProtocol.Icmpv6, 24, more: false, data[24..])), out _));
        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(V6Fragment(IpProtocol.Udp, 0, more: true, data[..24])), out Packet? datagram));

        Assert.Equal(Ipv6(IpProtocol.Udp, data), datagram!.Data.ToArray());
        _pool.Return(datagram);
    }

    [Fact]
    public void Ipv4_fragments_of_different_protocols_sources_or_identifications_are_different_datagrams()
    {
        byte[] data = Bytes(16, seed: 2);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data[..8])), out _));

        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(8, more: false, data[8..], protocol: IpProtocol.Tcp)), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(8, more: false, data[8..], identification: 99)), out _));
        byte[] otherSource = V4Fragment(8, more: false, data[8..]);
        new Ipv4Header(otherSource).Source = IpAddress.Parse("192.0.2.99");
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(otherSource), out _));
        Assert.Equal(4, reassembler.InProgress);

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(V4Fragment(8, more: false, data[8..])), out Packet? datagram));
        Assert.Equal(Ipv4(IpProtocol.Udp, data), datagram!.Data.ToArray());
        _pool.Return(datagram);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void An_identical_duplicate_is_ignored_and_the_datagram_still_completes(IpVersion family)
    {
        byte[] original = Datagram(family, 2000);
        byte[][] fragments = Fragments(original, 600);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[0]), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[^1]), out _));

        Assert.Equal(ReassemblyStatus.Duplicate, reassembler.Add(Load(fragments[0]), out _));
        Assert.Equal(ReassemblyStatus.Duplicate, reassembler.Add(Load(fragments[^1]), out _));

        Assert.Equal(original, AddAll(reassembler, fragments[1..^1], Arrange(fragments.Length - 2, Order.InOrder, 0)));
        Assert.Equal(0, reassembler.Failures);
    }

    [Fact]
    public void A_fragment_covering_parts_of_two_held_fragments_with_the_same_bytes_is_a_duplicate()
    {
        byte[] data = Bytes(40, seed: 3);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data[..16])), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(16, more: true, data[16..32])), out _));

        Assert.Equal(ReassemblyStatus.Duplicate, reassembler.Add(Load(V4Fragment(8, more: true, data[8..24])), out _));

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(V4Fragment(32, more: false, data[32..])), out Packet? datagram));
        _pool.Return(datagram!);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_fragment_rewriting_held_bytes_drops_the_whole_datagram(IpVersion family)
    {
        byte[] data = Bytes(40, seed: 4);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 0, more: true, data[..16])), out _));
        byte[] changed = data[..16];
        changed[3] ^= 0xFF;

        Assert.Equal(ReassemblyStatus.Overlap, reassembler.Add(Load(Fragment(family, 0, more: true, changed)), out _));

        Assert.Equal((0, 0, 1L), (reassembler.InProgress, _pool.RentedCount, reassembler.Failures));
        // What comes later starts a new datagram rather than completing the dropped one.
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 16, more: false, data[16..])), out _));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_partial_overlap_drops_the_whole_datagram_even_with_the_same_bytes(IpVersion family)
    {
        byte[] data = Bytes(48, seed: 5);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 0, more: true, data[..16])), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 32, more: false, data[32..])), out _));

        // Bytes 8..16 are held, 16..32 are new: not a copy of anything held (RFC 5722 §4).
        Assert.Equal(ReassemblyStatus.Overlap, reassembler.Add(Load(Fragment(family, 8, more: true, data[8..32])), out _));

        Assert.Equal((0, 0), (reassembler.InProgress, _pool.RentedCount));
    }

    [Fact]
    public void A_second_last_fragment_with_the_same_bytes_but_unknown_end_is_an_overlap()
    {
        byte[] data = Bytes(24, seed: 6);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(8, more: true, data[8..])), out _));

        Assert.Equal(ReassemblyStatus.Overlap, reassembler.Add(Load(V4Fragment(8, more: false, data[8..])), out _));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Data_of_a_fragment_other_than_the_last_must_be_a_non_empty_multiple_of_8(IpVersion family)
    {
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(ReassemblyStatus.BadLength, reassembler.Add(Load(Fragment(family, 0, more: true, Bytes(12, seed: 7))), out _));
        Assert.Equal(ReassemblyStatus.BadLength, reassembler.Add(Load(Fragment(family, 8, more: true, [])), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 16, more: false, Bytes(13, seed: 7))), out _));

        Assert.Equal((1, 2L), (reassembler.InProgress, reassembler.Failures));
    }

    [Theory]
    [InlineData(IpVersion.V4, 65504, 8, ReassemblyStatus.Incomplete)] // 20 + 65512
    [InlineData(IpVersion.V4, 65504, 16, ReassemblyStatus.TooLarge)] // 20 + 65520
    [InlineData(IpVersion.V4, 65528, 8, ReassemblyStatus.TooLarge)]
    [InlineData(IpVersion.V6, 65528, 7, ReassemblyStatus.Incomplete)] // payload length 65535
    [InlineData(IpVersion.V6, 65528, 8, ReassemblyStatus.TooLarge)]
    public void A_datagram_may_not_grow_beyond_65535_bytes(IpVersion family, int offset, int length, ReassemblyStatus expected)
    {
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(expected, reassembler.Add(Load(Fragment(family, offset, more: false, Bytes(length, seed: 8))), out _));

        Assert.Equal(expected == ReassemblyStatus.Incomplete ? 1 : 0, reassembler.InProgress);
    }

    [Fact]
    public void A_first_fragment_whose_longer_header_pushes_the_total_beyond_65535_drops_the_datagram_on_completion()
    {
        var reassembler = new IpReassembler(_clock);
        byte[] fortyBytesOfOptions = Enumerable.Repeat((byte)1, 40).ToArray(); // no-operation options: IHL 60
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(65496, more: false, Bytes(16, seed: 9))), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(8, more: true, Bytes(65488, seed: 9))), out _));
        Assert.Equal(1, reassembler.InProgress);

        byte[] first = Ipv4(IpProtocol.Udp, Bytes(8, seed: 9), moreFragments: true, options: fortyBytesOfOptions);
        Assert.Equal(ReassemblyStatus.TooLarge, reassembler.Add(Load(first), out Packet? datagram));

        Assert.Null(datagram);
        Assert.Equal((0, 0, 0L), (reassembler.InProgress, _pool.RentedCount, reassembler.BytesHeld));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Fragments_that_disagree_about_the_end_drop_the_datagram(IpVersion family)
    {
        var reassembler = new IpReassembler(_clock);
        byte[] data = Bytes(64, seed: 10);

        // Two different last fragments.
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 32, more: false, data[32..])), out _));
        Assert.Equal(ReassemblyStatus.InconsistentEnd, reassembler.Add(Load(Fragment(family, 16, more: false, data[16..24])), out _));
        Assert.Equal(0, reassembler.InProgress);

        // Data beyond the end the last fragment set.
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 16, more: false, data[16..32])), out _));
        Assert.Equal(ReassemblyStatus.InconsistentEnd, reassembler.Add(Load(Fragment(family, 32, more: true, data[32..40])), out _));
        Assert.Equal(0, reassembler.InProgress);

        // A last fragment that ends before data already held.
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(Fragment(family, 32, more: true, data[32..40])), out _));
        Assert.Equal(ReassemblyStatus.InconsistentEnd, reassembler.Add(Load(Fragment(family, 8, more: false, data[8..16])), out _));

        Assert.Equal((0, 0, 3L), (reassembler.InProgress, _pool.RentedCount, reassembler.Failures));
    }

    [Fact]
    public void An_empty_last_fragment_sets_the_end()
    {
        byte[] data = Bytes(16, seed: 11);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data)), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(24, more: false, [])), out _));
        Assert.Equal(ReassemblyStatus.Duplicate, reassembler.Add(Load(V4Fragment(24, more: false, [])), out _));
        byte[] rest = Bytes(8, seed: 12);

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(V4Fragment(16, more: true, rest)), out Packet? datagram));

        Assert.Equal(Ipv4(IpProtocol.Udp, Concat(data, rest)), datagram!.Data.ToArray());
        _pool.Return(datagram);
    }

    [Theory]
    [InlineData(IpVersion.V4, 30)]
    [InlineData(IpVersion.V6, 60)]
    public void An_incomplete_datagram_is_purged_when_its_timeout_passes(IpVersion family, int timeoutSeconds)
    {
        byte[][] fragments = Fragments(Datagram(family, 2000), 600);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[0]), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[^1]), out _));

        _clock.Advance(TimeSpan.FromSeconds(timeoutSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, reassembler.Purge());
        Assert.Equal(1, reassembler.InProgress);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, reassembler.Purge());

        Assert.Equal((0, 0, 1L, 0L, 0L), (reassembler.InProgress, _pool.RentedCount, reassembler.Timeouts, reassembler.Failures, reassembler.BytesHeld));
        // The missing fragments, arriving late, start a datagram of their own that cannot complete.
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[1]), out _));
    }

    [Fact]
    public void The_timeout_runs_from_the_first_fragment_and_later_ones_do_not_extend_it()
    {
        byte[][] fragments = Fragments(Datagram(IpVersion.V4, 2000), 600);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[0]), out _));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(fragments[1]), out _));

        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, reassembler.Purge());
    }

    [Fact]
    public void Adding_a_fragment_purges_timed_out_datagrams_on_the_way()
    {
        var reassembler = new IpReassembler(_clock, new ReassemblyOptions { Ipv4Timeout = TimeSpan.FromSeconds(5) });
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, Bytes(8, seed: 13))), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V6Fragment(IpProtocol.Udp, 0, more: true, Bytes(8, seed: 13))), out _));
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, Bytes(8, seed: 14), identification: 7)), out _));

        Assert.Equal((2, 1L), (reassembler.InProgress, reassembler.Timeouts)); // the IPv6 datagram has 60 s
    }

    [Fact]
    public void Fragments_of_datagrams_beyond_the_limit_are_dropped_and_those_in_progress_go_on()
    {
        var reassembler = new IpReassembler(_clock, new ReassemblyOptions { MaxDatagrams = 2 });
        byte[] data = Bytes(16, seed: 15);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data[..8], identification: 1)), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data[..8], identification: 2)), out _));

        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(Load(V4Fragment(0, more: true, data[..8], identification: 3)), out _));

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(V4Fragment(8, more: false, data[8..], identification: 1)), out Packet? datagram));
        _pool.Return(datagram!);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, data[..8], identification: 3)), out _));
        Assert.Equal(1L, reassembler.Failures);
    }

    [Fact]
    public void Fragments_that_would_take_the_held_bytes_beyond_the_limit_are_dropped()
    {
        var reassembler = new IpReassembler(_clock, new ReassemblyOptions { MaxBytes = 1000 });
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(0, more: true, Bytes(400, seed: 16))), out _));
        Assert.Equal(420, reassembler.BytesHeld); // header and data so far

        // A far offset costs the whole extent up to it, holes included.
        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(Load(V4Fragment(2000, more: false, Bytes(8, seed: 16))), out _));
        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(Load(V4Fragment(0, more: true, Bytes(600, seed: 16), identification: 2)), out _));
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V4Fragment(400, more: true, Bytes(560, seed: 16))), out _));

        Assert.Equal((980L, 2L), (reassembler.BytesHeld, reassembler.Failures));
    }

    [Fact]
    public void An_exhausted_pool_drops_the_fragment_that_needed_a_buffer()
    {
        var tiny = new PacketPool(capacity: 1, diagnostics: false);
        Packet fragment = tiny.Rent();
        byte[] bytes = V4Fragment(0, more: true, Bytes(8, seed: 17));
        bytes.CopyTo(fragment.Put(bytes.Length));
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(ReassemblyStatus.NoBuffer, reassembler.Add(fragment, out _));

        Assert.Equal((0, 0), (tiny.RentedCount, reassembler.InProgress));
    }

    [Theory]
    [InlineData("")]
    [InlineData("45")]
    [InlineData("4500001C000000004011000000000000")] // truncated IPv4 header
    [InlineData("60000000")]
    public void Garbage_is_malformed_and_returned_to_its_pool(string hex)
    {
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(ReassemblyStatus.Malformed, reassembler.Add(Load(Convert.FromHexString(hex)), out _));

        Assert.Equal((0, 1L), (_pool.RentedCount, reassembler.Failures));
    }

    [Fact]
    public void Packets_that_are_not_fragments_are_malformed()
    {
        var reassembler = new IpReassembler(_clock);

        Assert.Equal(ReassemblyStatus.Malformed, reassembler.Add(Load(Ipv4(IpProtocol.Udp, Udp(1, 2))), out _));
        Assert.Equal(ReassemblyStatus.Malformed, reassembler.Add(Load(Ipv6(IpProtocol.Udp, Udp(1, 2))), out _));
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void An_atomic_IPv6_fragment_is_completed_alone_even_when_its_identification_is_in_use()
    {
        byte[] data = Bytes(20, seed: 18);
        var reassembler = new IpReassembler(_clock);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(Load(V6Fragment(IpProtocol.Udp, 0, more: true, Bytes(8, seed: 19))), out _));
        byte[] atomic = Concat(V6Fragment(IpProtocol.Tcp, 0, more: false, data), [0xEE, 0xEE]); // link-layer padding

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(atomic), out Packet? datagram));

        Assert.Equal(Ipv6(IpProtocol.Tcp, data), datagram!.Data.ToArray());
        Assert.Equal(1, reassembler.InProgress);
        _pool.Return(datagram);
    }

    [Fact]
    public void The_datagram_carries_the_metadata_of_the_fragment_that_started_it()
    {
        byte[][] fragments = Fragments(Datagram(IpVersion.V4, 1000), 600);
        var reassembler = new IpReassembler(_clock);
        Packet first = Load(fragments[1]);
        (first.InterfaceIndex, first.InterfaceName, first.Mark, first.Direction) = (3, "eth1", 42, PacketDirection.In);
        Assert.Equal(ReassemblyStatus.Incomplete, reassembler.Add(first, out _));

        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(Load(fragments[0]), out Packet? datagram));

        Assert.Equal((3, "eth1", 42u, PacketDirection.In), (datagram!.InterfaceIndex, datagram.InterfaceName, datagram.Mark, datagram.Direction));
        _pool.Return(datagram);
    }

    [Fact]
    public void Steady_state_reassembly_allocates_nothing()
    {
        byte[][] v4 = Fragments(Datagram(IpVersion.V4, 3000), 1000);
        byte[][] v6 = Fragments(Datagram(IpVersion.V6, 3000), 1000);
        var reassembler = new IpReassembler(_clock);
        RunBoth();

        Assert.Equal(0, SteadyState.AllocatedBytes(_ => RunBoth(), iterations: 20));

        void RunBoth()
        {
            Reassemble(v4);
            Reassemble(v6);
        }

        void Reassemble(byte[][] fragments)
        {
            Packet? datagram = null;
            for (int i = fragments.Length - 1; i >= 0; i--)
            {
                reassembler.Add(Load(fragments[i]), out datagram);
            }

            _pool.Return(datagram!);
        }
    }

    [Fact]
    public void Many_threads_reassembling_many_datagrams_at_once_get_every_one_back()
    {
        const int Datagrams = 200;
        byte[][][] trains = new byte[Datagrams][][];
        for (int d = 0; d < Datagrams; d++)
        {
            byte[] original = Ipv4(IpProtocol.Udp, Bytes(1500, seed: d));
            new Ipv4Header(original) { Identification = (ushort)d }.UpdateChecksum();
            trains[d] = Fragments(original, 400);
        }

        var reassembler = new IpReassembler(_clock);
        var pool = new PacketPool(capacity: 2048, diagnostics: false);
        int completed = 0;
        Parallel.For(0, Datagrams * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, index =>
        {
            byte[] bytes = trains[index % Datagrams][index / Datagrams];
            Packet fragment = pool.Rent();
            bytes.CopyTo(fragment.Put(bytes.Length));
            if (reassembler.Add(fragment, out Packet? datagram) == ReassemblyStatus.Complete)
            {
                Interlocked.Increment(ref completed);
                pool.Return(datagram!);
            }
        });

        Assert.Equal(4, trains[0].Length);
        Assert.Equal((Datagrams, 0, 0), (completed, reassembler.InProgress, pool.RentedCount));
    }

    [Fact]
    public void Options_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpReassembler(_clock, new ReassemblyOptions { MaxDatagrams = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpReassembler(_clock, new ReassemblyOptions { MaxBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpReassembler(_clock, new ReassemblyOptions { Ipv4Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpReassembler(_clock, new ReassemblyOptions { Ipv6Timeout = TimeSpan.Zero }));
    }

    private static byte[] Datagram(IpVersion family, int udpDataLength) =>
        family == IpVersion.V4 ? Ipv4(IpProtocol.Udp, Udp(1, 2, udpDataLength)) : Ipv6(IpProtocol.Udp, Udp(1, 2, udpDataLength));

    private static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Fragment(IpVersion family, int offset, bool more, byte[] data) =>
        family == IpVersion.V4 ? V4Fragment(offset, more, data) : V6Fragment(IpProtocol.Udp, offset, more, data);

    private static byte[] V4Fragment(int offset, bool more, byte[] data, IpProtocol protocol = IpProtocol.Udp, ushort identification = (ushort)Identification)
    {
        byte[] packet = Ipv4(protocol, data, fragmentOffsetUnits: offset / 8, moreFragments: more);
        new Ipv4Header(packet) { Identification = identification }.UpdateChecksum();
        return packet;
    }

    private static byte[] V6Fragment(IpProtocol next, int offset, bool more, byte[] data) =>
        Ipv6(IpProtocol.Fragment, Concat(TestPackets.Fragment(next, offset, more, Identification), data));

    private static int[] Arrange(int count, Order order, int seed)
    {
        int[] sequence = [.. Enumerable.Range(0, count)];
        if (order == Order.Reverse)
        {
            Array.Reverse(sequence);
        }
        else if (order == Order.Shuffled)
        {
            new Random(seed).Shuffle(sequence);
        }

        return sequence;
    }

    private Packet Load(byte[] bytes) => TestPackets.Load(_pool, bytes);

    /// <summary>Fragments <paramref name="original"/> with the library's fragmenter and returns the fragments as bytes.</summary>
    private byte[][] Fragments(byte[] original, int mtu)
    {
        Packet source = Load(original);
        Packet[] slots = new Packet[1024];
        FragmentationStatus status = original[0] >> 4 == 4
            ? Ipv4Fragmenter.Fragment(source, mtu, slots, out int count)
            : Ipv6Fragmenter.Fragment(source, mtu, Identification, slots, out count);
        Assert.Equal(FragmentationStatus.Done, status);
        _pool.Return(source);
        byte[][] fragments = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            fragments[i] = slots[i].Data.ToArray();
            _pool.Return(slots[i]);
        }

        return fragments;
    }

    /// <summary>Adds the fragments in the given order, expecting Incomplete until the last; returns the datagram's bytes.</summary>
    private byte[] AddAll(IpReassembler reassembler, byte[][] fragments, int[] sequence)
    {
        Packet? datagram = null;
        for (int i = 0; i < sequence.Length; i++)
        {
            ReassemblyStatus status = reassembler.Add(Load(fragments[sequence[i]]), out datagram);
            Assert.Equal(i == sequence.Length - 1 ? ReassemblyStatus.Complete : ReassemblyStatus.Incomplete, status);
        }

        byte[] whole = datagram!.Data.ToArray();
        _pool.Return(datagram);
        return whole;
    }
}
