using Netipsec.Packets;
using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseScaleTests
{
    private static SecurityAssociation Numbered(int i) =>
        new(new SaId(IpAddress.FromIpv4(0x0A000000u + (uint)i), 0x1000u + (uint)i, IpsecProtocol.Esp), Local, XfrmMode.Tunnel)
        {
            ReqId = (uint)(i % 100) + 1,
            Encryption = SaAlgorithm.WithoutKey(11),
            ReplayWindowSize = 32,
        };

    [Fact]
    public async Task Readers_see_stable_sas_while_a_writer_adds_and_deletes_others()
    {
        var db = NewDatabase(NewClock());
        const int Stable = 500;
        for (int i = 0; i < Stable; i++)
        {
            Assert.Equal(SadStatus.Ok, db.Add(Numbered(i)));
        }

        using var stop = new CancellationTokenSource();
        long misses = 0;
        long lookups = 0;
        void Read()
        {
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < Stable; i++)
                {
                    IpAddress destination = IpAddress.FromIpv4(0x0A000000u + (uint)i);
                    bool found = db.TryLookupBySpi(destination, 0x1000u + (uint)i, IpsecProtocol.Esp, out SecurityAssociation? sa)
                        && sa.Spi == 0x1000u + (uint)i
                        && db.FindOutbound(destination, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, (uint)(i % 100) + 1) == sa
                        && db.FindOutbound(destination, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 0) == sa;
                    if (!found)
                    {
                        Interlocked.Increment(ref misses);
                    }

                    Interlocked.Increment(ref lookups);
                }
            }
        }

        Task[] readers = [Task.Run(Read), Task.Run(Read)];

        // Churn right next to the stable SAs: same addresses, so the same address chains that reqid-0 lookups walk,
        // but transport mode, so output for the stable tunnel SAs must keep skipping over them to the right one.
        // Churn for at least 20 rounds and until the readers have really raced it: on a loaded machine the reader
        // tasks may only start once a short churn is already over.
        for (int round = 0; round < 20 || Interlocked.Read(ref lookups) < 20 * Stable; round++)
        {
            var added = new List<SecurityAssociation>();
            for (int i = 0; i < Stable; i++)
            {
                var churn = new SecurityAssociation(new SaId(IpAddress.FromIpv4(0x0A000000u + (uint)i), 0x100000u + (uint)i, IpsecProtocol.Esp), Local, XfrmMode.Transport)
                {
                    ReqId = (uint)(i % 100) + 1,
                    Encryption = SaAlgorithm.WithoutKey(11),
                };
                Assert.Equal(SadStatus.Ok, db.Add(churn));
                added.Add(churn);
            }

            foreach (SecurityAssociation churn in added)
            {
                Assert.Equal(SadStatus.Ok, db.Delete(churn.Id));
            }
        }

        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.True(lookups > 0);
        Assert.Equal(0, misses);
        Assert.Equal(Stable, db.Count);
    }

    [Fact]
    public void Two_hundred_thousand_sas_are_added_found_and_deleted()
    {
        const int Total = 200_000;
        var db = NewDatabase(NewClock());

        for (int i = 0; i < Total; i++)
        {
            Assert.Equal(SadStatus.Ok, db.Add(Numbered(i)));
        }

        Assert.Equal(Total, db.Count);
        for (int i = 0; i < Total; i++)
        {
            IpAddress destination = IpAddress.FromIpv4(0x0A000000u + (uint)i);
            Assert.True(db.TryLookupBySpi(destination, 0x1000u + (uint)i, IpsecProtocol.Esp, out SecurityAssociation? sa));
            Assert.Same(sa, db.FindOutbound(destination, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, (uint)(i % 100) + 1));
            Assert.True(db.TryLookupByAddress(Local, destination, IpsecProtocol.Esp, out _));
        }

        for (int i = 0; i < Total; i += 2)
        {
            Assert.Equal(SadStatus.Ok, db.Delete(new SaId(IpAddress.FromIpv4(0x0A000000u + (uint)i), 0x1000u + (uint)i, IpsecProtocol.Esp)));
        }

        Assert.Equal(Total / 2, db.Count);
        Assert.False(db.TryLookupBySpi(IpAddress.FromIpv4(0x0A000000u), 0x1000u, IpsecProtocol.Esp, out _));
        Assert.True(db.TryLookupBySpi(IpAddress.FromIpv4(0x0A000001u), 0x1001u, IpsecProtocol.Esp, out _));
        Assert.Equal(Total / 2, db.Flush());
        Assert.Equal(0, db.Count);
    }
}
