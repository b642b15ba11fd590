using System.Buffers.Binary;
using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>SAs and packets laid out as the modes leave them, for the ESP transform tests.</summary>
internal static class EspTestData
{
    public const uint Spi = 0x0A0B0C0D;
    public const int GapLength = 16;

    /// <summary>Payload length → ESP padding with 4-byte alignment (RFC 4303 §2.4), one cycle of the pattern.</summary>
    public static TheoryData<int, int> FourByteAlignmentPadding => new()
    {
        { 0, 2 }, { 1, 1 }, { 2, 0 }, { 3, 3 }, { 4, 2 }, { 5, 1 }, { 6, 0 }, { 7, 3 },
    };

    /// <summary>AES-GCM with a 16- and a 12-byte ICV, each with a 128-, 192- and 256-bit key.</summary>
    public static TheoryData<byte, int> GcmIcvsAndKeySizes => new()
    {
        { EspTransform.AesGcmIcv16, 16 }, { EspTransform.AesGcmIcv16, 24 }, { EspTransform.AesGcmIcv16, 32 },
        { EspTransform.AesGcmIcv12, 16 }, { EspTransform.AesGcmIcv12, 24 }, { EspTransform.AesGcmIcv12, 32 },
    };

    /// <summary>AES key (<paramref name="aesKeyLength"/> bytes) || 4-byte salt, all distinct non-zero bytes.</summary>
    public static byte[] KeyMaterial(int aesKeyLength, byte first = 0x21) =>
        [.. Enumerable.Range(first, aesKeyLength + 4).Select(b => (byte)b)];

    /// <summary>An ESP SA between documentation addresses of <paramref name="version"/>; not prepared.</summary>
    public static SecurityAssociation Sa(
        byte algorithm = EspTransform.AesGcmIcv16,
        byte[]? keyMaterial = null,
        bool extendedSequenceNumbers = false,
        IpVersion version = IpVersion.V4,
        uint spi = Spi,
        XfrmMode mode = XfrmMode.Transport,
        EspPadding padding = EspPadding.Sequential)
    {
        IpAddress source = version == IpVersion.V4 ? TestPackets.V4Source : TestPackets.V6Source;
        IpAddress destination = version == IpVersion.V4 ? TestPackets.V4Destination : TestPackets.V6Destination;
        return new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.Esp), source, mode)
        {
            Encryption = new SaAlgorithm(algorithm, keyMaterial ?? KeyMaterial(16)),
            ExtendedSequenceNumbers = extendedSequenceNumbers,
            ReplayWindowSize = 64,
            Padding = padding,
        };
    }

    /// <summary>An SA that <paramref name="transform"/> (default <see cref="EspTransform.Instance"/>) prepared.</summary>
    public static SecurityAssociation PreparedSa(
        EspTransform? transform = null,
        byte algorithm = EspTransform.AesGcmIcv16,
        byte[]? keyMaterial = null,
        bool extendedSequenceNumbers = false,
        IpVersion version = IpVersion.V4,
        EspPadding padding = EspPadding.Sequential)
    {
        SecurityAssociation sa = Sa(algorithm, keyMaterial, extendedSequenceNumbers, version, padding: padding);
        Assert.Equal(TransformStatus.Ok, (transform ?? EspTransform.Instance).Init(sa));
        return sa;
    }

    /// <summary>A UDP datagram with a recognisable body of <paramref name="length"/> bytes (at least 8).</summary>
    public static byte[] Payload(int length) => length >= 8 ? TestPackets.Udp(4500, 53, length - 8) : [.. Enumerable.Range(0xC0, length).Select(b => (byte)b)];

    /// <summary>
    /// The output layout: [<paramref name="headers"/>][16-byte gap][<paramref name="payload"/>], network mark on the
    /// headers, transport mark on the gap.
    /// </summary>
    public static Packet OutputLayout(PacketPool pool, byte[] headers, byte[] payload, IpProtocol innerProtocol, int nextHeaderFieldOffset)
    {
        Packet packet = pool.Rent();
        Span<byte> data = packet.Put(headers.Length + GapLength + payload.Length);
        headers.CopyTo(data);
        data.Slice(headers.Length, GapLength).Fill(0xEE);
        payload.CopyTo(data[(headers.Length + GapLength)..]);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(headers.Length);
        packet.InnerProtocol = innerProtocol;
        packet.NextHeaderFieldOffset = nextHeaderFieldOffset;
        return packet;
    }

    /// <summary>The transport-mode output layout over IPv4: the header's protocol byte still names the payload.</summary>
    public static Packet Ipv4Transport(PacketPool pool, byte[] payload) =>
        OutputLayout(pool, TestPackets.Ipv4(IpProtocol.Udp, [])[..20], payload, IpProtocol.Udp, Ipv4Header.ProtocolOffset);

    /// <summary>
    /// An ESP packet as the engine hands it to Input: network mark on the IP header, transport mark on the ESP
    /// header. <paramref name="esp"/> is everything from the ESP header on.
    /// </summary>
    public static Packet InputLayout(PacketPool pool, byte[] headers, ReadOnlySpan<byte> esp, int nextHeaderFieldOffset)
    {
        Packet packet = pool.Rent();
        Span<byte> data = packet.Put(headers.Length + esp.Length);
        headers.CopyTo(data);
        esp.CopyTo(data[headers.Length..]);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(headers.Length);
        packet.NextHeaderFieldOffset = nextHeaderFieldOffset;
        return packet;
    }

    /// <summary>
    /// An ESP packet (header, IV, ciphertext, ICV) sealed straight with AesGcm, for plaintexts Output would never
    /// produce (bad padding, long padding).
    /// </summary>
    public static byte[] SealByHand(byte[] keyMaterial, uint spi, ulong sequence, ulong iv, byte[] plaintext, bool extendedSequenceNumbers = false, int icvLength = 16)
    {
        byte[] packet = new byte[GapLength + plaintext.Length + icvLength];
        BinaryPrimitives.WriteUInt32BigEndian(packet, spi);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)sequence);
        BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(8), iv);
        using var aead = new AesGcm(keyMaterial.AsSpan(0, keyMaterial.Length - 4), icvLength);
        aead.Encrypt(
            Nonce(keyMaterial, packet.AsSpan(8, 8)),
            plaintext,
            packet.AsSpan(GapLength, plaintext.Length),
            packet.AsSpan(GapLength + plaintext.Length),
            Aad(spi, sequence, extendedSequenceNumbers));
        return packet;
    }

    /// <summary>Decrypts an ESP packet straight with AesGcm and returns payload || padding || pad length || next header.</summary>
    public static byte[] OpenByHand(byte[] keyMaterial, ReadOnlySpan<byte> esp, ulong sequence, bool extendedSequenceNumbers = false, int icvLength = 16)
    {
        uint spi = BinaryPrimitives.ReadUInt32BigEndian(esp);
        byte[] plaintext = new byte[esp.Length - GapLength - icvLength];
        using var aead = new AesGcm(keyMaterial.AsSpan(0, keyMaterial.Length - 4), icvLength);
        aead.Decrypt(
            Nonce(keyMaterial, esp.Slice(8, 8)),
            esp.Slice(GapLength, plaintext.Length),
            esp[^icvLength..],
            plaintext,
            Aad(spi, sequence, extendedSequenceNumbers));
        return plaintext;
    }

    private static byte[] Nonce(byte[] keyMaterial, ReadOnlySpan<byte> iv) => [.. keyMaterial.AsSpan(keyMaterial.Length - 4), .. iv];

    private static byte[] Aad(uint spi, ulong sequence, bool extendedSequenceNumbers)
    {
        byte[] aad = new byte[extendedSequenceNumbers ? 12 : 8];
        BinaryPrimitives.WriteUInt32BigEndian(aad, spi);
        if (extendedSequenceNumbers)
        {
            BinaryPrimitives.WriteUInt64BigEndian(aad.AsSpan(4), sequence);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(4), (uint)sequence);
        }

        return aad;
    }
}
