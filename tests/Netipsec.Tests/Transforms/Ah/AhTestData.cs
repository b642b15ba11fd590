using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Ah;
using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Transforms.Ah;

/// <summary>AH SAs, and packets protected and received through the real modes, for the AH transform tests.</summary>
internal static class AhTestData
{
    public const uint Spi = 0x0A0B0C0D;
    public const byte HmacMd5 = 2;
    public const byte HmacSha1 = 3;
    public const byte HmacSha256 = 5;
    public const byte HmacSha384 = 6;
    public const byte HmacSha512 = 7;
    public const byte AesXcbc = 9;
    public const byte AesCmac = 250;
    public const byte AesGmac = 249;

    /// <summary>Every authentication algorithm AH supports on the portable engine (not AES-XCBC, which it lacks), with a key length of each (GMAC: AES-128 + 4-byte salt).</summary>
    public static TheoryData<byte, int> Algorithms => new()
    {
        { HmacMd5, 16 },
        { HmacSha1, 20 },
        { HmacSha256, 32 },
        { HmacSha384, 48 },
        { HmacSha512, 64 },
        { AesCmac, 16 },
        { AesGmac, 20 },
        { AesGmac, 36 },
    };

    public static byte[] Key(int length, byte first = 0x31) => [.. Enumerable.Range(first, length).Select(b => (byte)b)];

    /// <summary>An AH SA from <see cref="TestPackets"/>' source to its destination (tunnel: the same hosts as gateways); not prepared.</summary>
    public static SecurityAssociation Sa(
        byte algorithm = HmacSha256,
        int keyLength = 32,
        IpVersion version = IpVersion.V4,
        XfrmMode mode = XfrmMode.Transport,
        bool extendedSequenceNumbers = false)
    {
        IpAddress source = version == IpVersion.V4 ? TestPackets.V4Source : TestPackets.V6Source;
        IpAddress destination = version == IpVersion.V4 ? TestPackets.V4Destination : TestPackets.V6Destination;
        return new SecurityAssociation(new SaId(destination, Spi, IpsecProtocol.Ah), source, mode)
        {
            Authentication = new SaAlgorithm(algorithm, Key(keyLength)),
            ExtendedSequenceNumbers = extendedSequenceNumbers,
            ReplayWindowSize = 64,
        };
    }

    /// <summary>An SA that <paramref name="transform"/> (default <see cref="AhTransform.Instance"/>) prepared.</summary>
    public static SecurityAssociation PreparedSa(
        byte algorithm = HmacSha256,
        int keyLength = 32,
        IpVersion version = IpVersion.V4,
        XfrmMode mode = XfrmMode.Transport,
        bool extendedSequenceNumbers = false,
        AhTransform? transform = null)
    {
        SecurityAssociation sa = Sa(algorithm, keyLength, version, mode, extendedSequenceNumbers);
        Assert.Equal(TransformStatus.Ok, (transform ?? AhTransform.Instance).Init(sa));
        return sa;
    }

    /// <summary>Mode output, AH output, mode finish: the bytes that go on the wire.</summary>
    public static byte[] Protect(SecurityAssociation sa, byte[] original, ulong sequence = 1, AhTransform? transform = null)
    {
        transform ??= AhTransform.Instance;
        var pool = new PacketPool(4, diagnostics: true);
        Packet packet = pool.Rent();
        original.CopyTo(packet.Put(original.Length));
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, transform.HeaderLength(sa), transform.TrailerLength(sa, original.Length)));
        Assert.Equal(TransformStatus.Ok, transform.Output(sa, packet, sequence));
        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));
        byte[] wire = packet.Data.ToArray();
        pool.Return(packet);
        return wire;
    }

    /// <summary>
    /// What the engine does with a received packet: finds the AH header, runs AH input and, when it succeeds, the mode's
    /// input. <paramref name="recovered"/> is the packet afterwards (the inner packet in tunnel mode).
    /// </summary>
    public static TransformStatus Receive(SecurityAssociation sa, byte[] wire, out byte[] recovered, uint sequenceHigh = 0, AhTransform? transform = null)
    {
        var pool = new PacketPool(4, diagnostics: true);
        Packet packet = pool.Rent();
        wire.CopyTo(packet.Put(wire.Length));
        Assert.Equal(InboundHeader.Status.Found, InboundHeader.TryParse(packet, out InboundHeader header));
        Assert.Equal(IpsecProtocol.Ah, header.Protocol);
        Assert.Equal(Spi, header.Spi);
        TransformStatus status = (transform ?? AhTransform.Instance).Input(sa, packet, sequenceHigh);
        if (status == TransformStatus.Ok)
        {
            Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));
        }

        recovered = packet.Data.ToArray();
        pool.Return(packet);
        return status;
    }

    /// <summary>An IPv4 packet of <see cref="TestPackets"/> carrying UDP, with <paramref name="options"/>.</summary>
    public static byte[] Ipv4(byte[]? options = null) =>
        TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(4500, 53, 21), options: options);

    /// <summary>An IPv6 packet of <see cref="TestPackets"/> carrying <paramref name="extensions"/> (if any) then UDP.</summary>
    public static byte[] Ipv6(IpProtocol first = IpProtocol.Udp, byte[]? extensions = null) =>
        TestPackets.Ipv6(first, [.. extensions ?? [], .. TestPackets.Udp(4500, 53, 21)]);

    public static byte[] Bytes(IpAddress address) => address.ToIPAddress().GetAddressBytes();

    /// <summary>Recomputes the IPv4 header checksum after a change in transit, as a router does.</summary>
    public static void FixChecksum(byte[] wire) => new Ipv4Header(wire).UpdateChecksum();
}
