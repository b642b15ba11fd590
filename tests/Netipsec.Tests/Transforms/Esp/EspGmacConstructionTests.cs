using System.Buffers.Binary;
using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// ENCR_NULL_AUTH_AES_GMAC has no published ESP test packets, so the packet the transform builds is checked against
/// RFC 4543 rebuilt here from the text with BouncyCastle's GMAC: the payload travels in the clear, padded to 4 bytes
/// (§3.2: no cipher block), and the ICV is GMAC(key, salt || IV) over SPI || sequence number (the 64-bit ESN when
/// in use, §3.3) || IV || payload || padding || pad length || next header (§3.1, Figure 2).
/// </summary>
public sealed class EspGmacConstructionTests
{
    private const byte NullAesGmac = 23;
    private const int HeaderLength = 16; // SPI, sequence number, 8-byte IV
    private const int IcvLength = 16;
    private const ulong FirstIv = 0x0102030405060708;

    private static readonly byte[] Ipv4Header = TestPackets.Ipv4(IpProtocol.Udp, [])[..20];

    private readonly PacketPool _pool = new(capacity: 4, diagnostics: true);

    public static TheoryData<string, int, bool, int> Cases()
    {
        var cases = new TheoryData<string, int, bool, int>();
        foreach (ICryptoEngine engine in CryptoEngines.Default)
        {
            foreach (int keyLength in new[] { 16, 24, 32 })
            {
                foreach (bool esn in new[] { false, true })
                {
                    foreach (int payloadLength in new[] { 0, 1, 45, 64, 1400 })
                    {
                        cases.Add(engine.Name, keyLength, esn, payloadLength);
                    }
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_RFC_4543_built_by_hand_and_input_takes_it_back(string engineName, int keyLength, bool esn, int payloadLength)
    {
        ICryptoEngine engine = CryptoEngines.Default.Single(e => e.Name == engineName);
        var transform = new EspTransform([engine], FirstIv);
        byte[] keyMaterial = EspTestData.KeyMaterial(keyLength);
        ulong sequence = esn ? 0x0000_0007_8000_0001UL : 0x8000_0001UL;
        byte[] payload = EspTestData.Payload(payloadLength);
        SecurityAssociation sender = PreparedSa(transform, keyMaterial, esn);
        Packet packet = EspTestData.Ipv4Transport(_pool, payload);

        Assert.Equal(TransformStatus.Ok, transform.Output(sender, packet, sequence));

        byte[] esp = packet.Data[Ipv4Header.Length..].ToArray();
        int padLength = (4 - ((payloadLength + 2) % 4)) % 4;
        Assert.Equal(HeaderLength + payloadLength + padLength + 2 + IcvLength, esp.Length);
        Assert.Equal(EspTestData.Spi, BinaryPrimitives.ReadUInt32BigEndian(esp));
        Assert.Equal((uint)sequence, BinaryPrimitives.ReadUInt32BigEndian(esp.AsSpan(4)));
        Assert.Equal(FirstIv, BinaryPrimitives.ReadUInt64BigEndian(esp.AsSpan(8)));
        Assert.Equal(payload, esp.AsSpan(HeaderLength, payloadLength).ToArray()); // nothing is encrypted
        byte[] trailer = esp.AsSpan(HeaderLength + payloadLength, padLength + 2).ToArray();
        Assert.Equal([.. Enumerable.Range(1, padLength).Select(b => (byte)b), (byte)padLength, (byte)IpProtocol.Udp], trailer);
        Assert.Equal(ReferenceIcv(keyMaterial, esp.AsSpan(..^IcvLength), sequence, esn), esp[^IcvLength..]);

        SecurityAssociation receiver = PreparedSa(transform, keyMaterial, esn);
        Assert.Equal(TransformStatus.Ok, transform.Input(receiver, EspTestData.InputLayout(_pool, Ipv4Header, esp, 9), (uint)(sequence >> 32)));
    }

    [Fact]
    public void A_flipped_payload_bit_fails_the_icv_though_nothing_was_encrypted()
    {
        ICryptoEngine engine = CryptoEngines.Default[0];
        var transform = new EspTransform([engine], FirstIv);
        byte[] keyMaterial = EspTestData.KeyMaterial(16);
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(64));
        Assert.Equal(TransformStatus.Ok, transform.Output(PreparedSa(transform, keyMaterial, esn: false), packet, 1));
        byte[] esp = packet.Data[Ipv4Header.Length..].ToArray();
        esp[HeaderLength + 10] ^= 0x01;

        Assert.Equal(TransformStatus.IntegrityFailed, transform.Input(PreparedSa(transform, keyMaterial, esn: false), EspTestData.InputLayout(_pool, Ipv4Header, esp, 9), 0));
    }

    private static SecurityAssociation PreparedSa(EspTransform transform, byte[] keyMaterial, bool esn)
    {
        SecurityAssociation sa = EspTestData.Sa(NullAesGmac, keyMaterial, esn);
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));
        return sa;
    }

    // RFC 4543 §3.1 and §3.3: with ESN the AAD's sequence number is the 64-bit value, high half first; all that
    // follows the sequence number on the wire (IV, payload, trailer) is authenticated too.
    private static byte[] ReferenceIcv(byte[] keyMaterial, ReadOnlySpan<byte> espWithoutIcv, ulong sequence, bool esn)
    {
        byte[] sequenceField = new byte[esn ? 8 : 4];
        if (esn)
        {
            BinaryPrimitives.WriteUInt64BigEndian(sequenceField, sequence);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(sequenceField, (uint)sequence);
        }

        byte[] authenticated = [.. espWithoutIcv[..4], .. sequenceField, .. espWithoutIcv[8..]];
        byte[] nonce = [.. keyMaterial[^4..], .. espWithoutIcv.Slice(8, 8)];
        var gmac = new GMac(new GcmBlockCipher(new AesEngine()));
        gmac.Init(new ParametersWithIV(new KeyParameter(keyMaterial[..^4]), nonce));
        gmac.BlockUpdate(authenticated, 0, authenticated.Length);
        byte[] icv = new byte[IcvLength];
        gmac.DoFinal(icv, 0);
        return icv;
    }
}
