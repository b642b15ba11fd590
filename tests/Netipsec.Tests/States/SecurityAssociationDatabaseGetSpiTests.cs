using Netipsec.Packets;
using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseGetSpiTests
{
    private static SadStatus GetSpi(SecurityAssociationDatabase db, uint min, uint max, out SecurityAssociation? larval, IpsecProtocol protocol = IpsecProtocol.Esp, uint sequence = 0) =>
        db.GetSpi(Peer, Local, protocol, XfrmMode.Transport, 0, min, max, sequence, out larval);

    [Fact]
    public void Spis_come_from_the_range_unused_until_it_is_exhausted()
    {
        var db = NewDatabase(NewClock());
        var spis = new HashSet<uint>();

        for (int i = 0; i < 11; i++)
        {
            Assert.Equal(SadStatus.Ok, GetSpi(db, 1000, 1010, out SecurityAssociation? larval));
            Assert.InRange(larval!.Spi, 1000u, 1010u);
            Assert.True(spis.Add(larval.Spi));
            Assert.Equal(SaState.Larval, larval.State);
        }

        long generation = db.Generation;
        Assert.Equal(SadStatus.SpiRangeExhausted, GetSpi(db, 1000, 1010, out SecurityAssociation? none));
        Assert.Null(none);
        Assert.Equal(11, db.Count);
        Assert.Equal(generation, db.Generation);
    }

    [Fact]
    public void The_reserved_spis_below_256_are_never_handed_out()
    {
        var db = NewDatabase(NewClock());

        for (int i = 0; i < 45; i++)
        {
            Assert.Equal(SadStatus.Ok, GetSpi(db, 0, 300, out SecurityAssociation? larval));
            Assert.InRange(larval!.Spi, 256u, 300u);
        }

        Assert.Equal(SadStatus.SpiRangeExhausted, GetSpi(db, 0, 300, out _));
        Assert.Equal(SadStatus.Invalid, GetSpi(db, 1, 255, out _));
    }

    [Theory]
    [InlineData(2000u, 1000u)]
    [InlineData(0u, 0u)]
    public void An_empty_range_is_invalid(uint min, uint max)
    {
        var db = NewDatabase(NewClock());

        Assert.Equal(SadStatus.Invalid, GetSpi(db, min, max, out _));
        Assert.Equal(0, db.Count);
    }

    [Fact]
    public void Mixed_address_families_are_invalid()
    {
        var db = NewDatabase(NewClock());

        Assert.Equal(SadStatus.Invalid, db.GetSpi(IpAddress.Parse("2001:db8::1"), Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 256, 1000, 0, out _));
    }

    [Fact]
    public void An_ipcomp_cpi_stays_within_16_bits()
    {
        var db = NewDatabase(NewClock());

        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(SadStatus.Ok, GetSpi(db, 0xFFF0, uint.MaxValue, out SecurityAssociation? larval, IpsecProtocol.IpComp));
            Assert.InRange(larval!.Spi, 0xFFF0u, 0xFFFFu);
        }

        Assert.Equal(SadStatus.SpiRangeExhausted, GetSpi(db, 0xFFF0, uint.MaxValue, out _, IpsecProtocol.IpComp));
        Assert.Equal(SadStatus.Invalid, GetSpi(db, 0x10000, uint.MaxValue, out _, IpsecProtocol.IpComp));
    }

    [Fact]
    public void Spis_of_installed_sas_are_avoided()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Ok, db.Add(Esp(5000)));

        Assert.Equal(SadStatus.Ok, GetSpi(db, 5000, 5001, out SecurityAssociation? larval));
        Assert.Equal(5001u, larval!.Spi);

        // The same SPI is free for another protocol or another destination.
        Assert.Equal(SadStatus.Ok, GetSpi(db, 5000, 5000, out SecurityAssociation? ah, IpsecProtocol.Ah));
        Assert.Equal(5000u, ah!.Spi);
    }

    [Fact]
    public void A_seeded_source_makes_allocation_repeatable_and_spreads_spis()
    {
        var first = NewDatabase(NewClock(), seed: 42);
        var second = NewDatabase(NewClock(), seed: 42);

        var spis = new List<uint>();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(SadStatus.Ok, GetSpi(first, 256, uint.MaxValue, out SecurityAssociation? a));
            Assert.Equal(SadStatus.Ok, GetSpi(second, 256, uint.MaxValue, out SecurityAssociation? b));
            Assert.Equal(a!.Spi, b!.Spi);
            spis.Add(a.Spi);
        }

        // Random, not sequential: consecutive SPIs do not follow each other.
        Assert.DoesNotContain(spis.Zip(spis.Skip(1)), pair => pair.Second == pair.First + 1);
    }

    [Fact]
    public void Without_a_seeded_source_spis_are_still_drawn_from_the_range()
    {
        var db = new SecurityAssociationDatabase(NewClock());

        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 70000, 70003, 0, out SecurityAssociation? larval));
        Assert.InRange(larval!.Spi, 70000u, 70003u);
    }

    [Fact]
    public void The_acquire_state_named_by_the_sequence_receives_the_spi()
    {
        var db = NewDatabase(NewClock());
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(), null, out uint sequence));

        Assert.Equal(SadStatus.Ok, GetSpi(db, 256, uint.MaxValue, out SecurityAssociation? larval, sequence: sequence));

        Assert.True(larval!.IsAcquireState);
        Assert.Equal(sequence, larval.AcquireSequence);
        Assert.NotEqual(0u, larval.Spi);
        Assert.Equal(1, db.Count);
        Assert.True(db.TryLookupBySpi(Peer, larval.Spi, IpsecProtocol.Esp, out SecurityAssociation? found));
        Assert.Same(larval, found);

        // Asking again for the same ACQUIRE returns the same SPI rather than reserving another.
        Assert.Equal(SadStatus.Ok, GetSpi(db, 256, uint.MaxValue, out SecurityAssociation? again, sequence: sequence));
        Assert.Same(larval, again);
        Assert.Equal(1, db.Count);
        Assert.Single(db.Dump());
    }

    [Fact]
    public void A_sequence_for_another_destination_or_protocol_creates_a_new_reservation()
    {
        var db = NewDatabase(NewClock());
        Assert.True(db.Acquire(Local, Other, HostSelector, Template(), null, out uint sequence));

        Assert.Equal(SadStatus.Ok, GetSpi(db, 256, uint.MaxValue, out SecurityAssociation? larval, sequence: sequence));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Other, Local, IpsecProtocol.Ah, XfrmMode.Transport, 0, 256, uint.MaxValue, sequence, out SecurityAssociation? ah));

        Assert.False(larval!.IsAcquireState);
        Assert.False(ah!.IsAcquireState);
        Assert.Equal(3, db.Count);
    }
}
