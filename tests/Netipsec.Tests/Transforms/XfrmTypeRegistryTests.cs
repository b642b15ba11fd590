using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Tests.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.Transforms;

public sealed class XfrmTypeRegistryTests
{
    /// <summary>A transform that accepts SAs with an even SPI and records what it was asked.</summary>
    private sealed class RecordingType(IpsecProtocol protocol) : IXfrmType
    {
        public List<string> Calls { get; } = [];

        public IpsecProtocol Protocol => protocol;

        public TransformStatus Init(SecurityAssociation sa)
        {
            Calls.Add($"init {sa.Spi:x}");
            return sa.Spi % 2 == 0 ? TransformStatus.Ok : TransformStatus.Unsupported;
        }

        public void Destroy(SecurityAssociation sa) => Calls.Add($"destroy {sa.Spi:x}");

        public int HeaderLength(SecurityAssociation sa) => 0;

        public int TrailerLength(SecurityAssociation sa, int payloadLength) => 0;

        public TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence) => TransformStatus.Ok;

        public TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh) => TransformStatus.Ok;
    }

    [Fact]
    public void Finds_the_transform_of_each_protocol_and_none_for_others()
    {
        var esp = new RecordingType(IpsecProtocol.Esp);
        var registry = new XfrmTypeRegistry(esp);
        Assert.Same(esp, registry.Get(IpsecProtocol.Esp));
        Assert.Null(registry.Get(IpsecProtocol.Ah));
    }

    [Fact]
    public void Two_transforms_for_one_protocol_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new XfrmTypeRegistry(new RecordingType(IpsecProtocol.Esp), new RecordingType(IpsecProtocol.Esp)));
    }

    [Fact]
    public void The_sad_prepares_sas_on_install_refuses_unsupported_ones_and_destroys_them_on_delete()
    {
        var esp = new RecordingType(IpsecProtocol.Esp);
        var db = new SecurityAssociationDatabase(NewClock(), options: new SadOptions { Types = new XfrmTypeRegistry(esp) });

        Assert.Equal(SadStatus.Unsupported, db.Add(SadTestData.Esp(0x1001)));
        Assert.Equal(0, db.Count);
        Assert.Equal(SadStatus.Ok, db.Add(SadTestData.Esp(0x1002)));
        Assert.Equal(SadStatus.Unsupported, db.Add(SadTestData.Ah(0x1004)));
        Assert.Equal(SadStatus.Ok, db.Delete(new SaId(Peer, 0x1002, IpsecProtocol.Esp)));

        Assert.Equal(["init 1001", "init 1002", "destroy 1002"], esp.Calls);
    }

    [Fact]
    public void An_update_of_a_larval_sa_prepares_the_keyed_one()
    {
        var esp = new RecordingType(IpsecProtocol.Esp);
        var db = new SecurityAssociationDatabase(NewClock(), options: new SadOptions { Types = new XfrmTypeRegistry(esp) });
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x2000, 0x2000, 0, out _));

        Assert.Equal(SadStatus.Ok, db.Update(SadTestData.Esp(0x2000), out SecurityAssociation? installed));
        Assert.Equal(SaState.Mature, installed!.State);
        Assert.Equal(["init 2000"], esp.Calls);
    }
}
