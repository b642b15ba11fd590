using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseSequenceTests
{
    private static SecurityAssociation EspStartingAt(ulong lastUsed, bool esn = false, uint spi = 0x3000) =>
        new(new SaId(Peer, spi, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey),
            ReplayWindowSize = 64,
            ExtendedSequenceNumbers = esn,
            InitialOutboundSequence = lastUsed,
        };

    [Fact]
    public void Sequence_numbers_start_at_one()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = EspStartingAt(0);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.True(db.TryAssignSequence(sa, out ulong first));
        Assert.True(db.TryAssignSequence(sa, out ulong second));
        Assert.Equal((1ul, 2ul), (first, second));
    }

    [Fact]
    public void At_the_last_32_bit_number_the_sa_stops_sending_and_asks_once_for_a_rekey()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation sa = EspStartingAt(uint.MaxValue - 1);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.True(db.TryAssignSequence(sa, out ulong last));
        Assert.Equal(uint.MaxValue, last);
        Assert.Empty(listener.Expirations);

        Assert.False(db.TryAssignSequence(sa, out _));
        Assert.False(db.TryAssignSequence(sa, out _));
        Assert.Equal((sa, ExpiryKind.Soft, SaState.Dying), Assert.Single(listener.Expirations));
    }

    [Fact]
    public void With_esn_the_counter_runs_past_32_bits_to_the_64_bit_end()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation wide = EspStartingAt(uint.MaxValue, esn: true);
        Assert.Equal(SadStatus.Ok, db.Add(wide));
        Assert.True(db.TryAssignSequence(wide, out ulong next));
        Assert.Equal((ulong)uint.MaxValue + 1, next);

        SecurityAssociation other = EspStartingAt(ulong.MaxValue, esn: true, spi: 0x3001);
        Assert.Equal(SadStatus.Ok, db.Add(other));
        Assert.False(db.TryAssignSequence(other, out _));
        Assert.Equal(ExpiryKind.Soft, Assert.Single(listener.Expirations).Kind);
    }

    [Fact]
    public void A_restored_counter_beyond_32_bits_needs_esn()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Invalid, db.Add(EspStartingAt((ulong)uint.MaxValue + 1)));
    }

    [Fact]
    public void IpComp_has_no_sequence_numbers()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = IpComp(0x4000);
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        Assert.False(db.TryAssignSequence(sa, out _));
        Assert.Equal(SaState.Mature, sa.State);
    }
}
