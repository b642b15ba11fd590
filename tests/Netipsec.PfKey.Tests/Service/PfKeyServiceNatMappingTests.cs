using System.Buffers.Binary;
using Netipsec.NatTraversal;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>SADB_X_NAT_T_NEW_MAPPING, laid out and addressed as Linux's af_key.c pfkey_send_new_mapping does.</summary>
public sealed class PfKeyServiceNatMappingTests
{
    private const uint Spi = 0x4001;

    private readonly ServiceHarness _harness = new(new ManualClock());
    private readonly RecordingClient _unregistered = new(3);

    public PfKeyServiceNatMappingTests() => _harness.Service.Attach(_unregistered.Client);

    [Fact]
    public void A_mapping_change_reaches_every_registered_client_with_the_old_peer_as_source_and_the_new_one_as_destination()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Register, SaType.Ah, 1)));
        _harness.Succeeds(EspAdd(Spi, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddNatTType(new NatTTypeExtension(2)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(4500)));
        }));
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, Spi, IpsecProtocol.Esp), out SecurityAssociation? sa));
        int senderBefore = _harness.Sender.Received.Count;
        int otherBefore = _harness.Other.Received.Count;
        int unregisteredBefore = _unregistered.Received.Count;
        var moved = new UdpEndpoint(Packets.IpAddress.Parse("198.51.100.99"), 61000);

        _harness.Engine.Events.OnNatMappingChanged(new NatMappingChange(sa!, new UdpEndpoint(Local, 4500), moved));

        Assert.Equal(unregisteredBefore, _unregistered.Received.Count); // only registered sockets (BROADCAST_REGISTERED), of any SA type
        Assert.Equal(senderBefore + 1, _harness.Sender.Received.Count);
        Assert.Equal(otherBefore + 1, _harness.Other.Received.Count);
        byte[] bytes = _harness.Other.Received[^1];
        Assert.Equal(bytes, _harness.Sender.Received[^1]);
        PfKeyMessage message = Parse(bytes);
        Assert.Equal(new PfKeyHeader(MessageType.NatTNewMapping, SaType.Esp, 0, 0), message.Header);

        Assert.True(message.TryGetSa(out SaExtension saExtension));
        Assert.Equal(new SaExtension(Spi, 0, Netipsec.PfKey.Wire.SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, Netipsec.PfKey.Wire.SaFlags.None), saExtension);
        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension sourcePort));
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension destinationPort));
        Assert.Equal(Address(Local, protocol: 0), source); // proto 0 and a full-length prefix, as af_key.c writes them
        Assert.Equal(4500, sourcePort.Port);
        Assert.Equal(Address(moved.Address, protocol: 0), destination);
        Assert.Equal(61000, destinationPort.Port);

        // The header's length counts the six parts and nothing else: base 16, SA 16, two IPv4 addresses 24 each, two ports 8 each.
        Assert.Equal(96, bytes.Length);
        Assert.Equal(96 / 8, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.False(message.Contains(ExtensionType.KeyEncrypt));
    }
}
