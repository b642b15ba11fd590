using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>Which SAs the ESP transform prepares, and what happens after it let one go.</summary>
public sealed class EspTransformInitTests
{
    private readonly PacketPool _pool = new(capacity: 8, diagnostics: true);

    [Theory]
    [MemberData(nameof(EspTestData.GcmIcvsAndKeySizes), MemberType = typeof(EspTestData))]
    public void Prepares_aes_gcm_with_a_12_or_16_byte_icv(byte algorithm, int aesKeyLength)
    {
        SecurityAssociation sa = EspTestData.Sa(algorithm, EspTestData.KeyMaterial(aesKeyLength));

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(sa));
        Assert.NotNull(sa.TypeState);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(16)] // an AES-128 key without its salt
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(24)] // a 20-byte "key"
    [InlineData(32)] // an AES-256 key without its salt
    [InlineData(37)]
    [InlineData(40)]
    public void Rejects_key_material_that_is_not_an_aes_key_and_a_salt(int keyMaterialLength)
    {
        SecurityAssociation sa = EspTestData.Sa(keyMaterial: new byte[keyMaterialLength]);

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
        Assert.Null(sa.TypeState);
    }

    [Fact]
    public void Rejects_key_bits_that_do_not_cover_the_whole_key()
    {
        byte[] key = EspTestData.KeyMaterial(16);
        SecurityAssociation sa = new(new SaId(TestPackets.V4Destination, 1, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(EspTransform.AesGcmIcv16, key, keyBits: (key.Length * 8) - 1),
        };

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
    }

    [Theory]
    [InlineData(EspTransform.AesGcmIcv8)] // .NET's AesGcm has no 8-byte tags
    [InlineData(0)]
    [InlineData(249)] // no encryption algorithm has this id
    [InlineData(2)] // DES-CBC: 20 bytes are no DES key
    public void Rejects_other_encryption_algorithms(byte algorithm)
    {
        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(EspTestData.Sa(algorithm)));
    }

    [Fact]
    public void Rejects_an_sa_with_an_authentication_algorithm()
    {
        SecurityAssociation sa = new(new SaId(TestPackets.V4Destination, 1, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(EspTransform.AesGcmIcv16, EspTestData.KeyMaterial(16)),
            Authentication = new SaAlgorithm(3, new byte[20]),
        };

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
    }

    [Fact]
    public void Rejects_an_sa_without_encryption()
    {
        SecurityAssociation sa = new(new SaId(TestPackets.V4Destination, 1, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
        {
            Authentication = new SaAlgorithm(3, new byte[20]),
        };

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
    }

    [Theory]
    [InlineData(IpsecProtocol.Ah)]
    [InlineData(IpsecProtocol.IpComp)]
    public void Rejects_an_sa_of_another_protocol(IpsecProtocol protocol)
    {
        SecurityAssociation sa = new(new SaId(TestPackets.V4Destination, 1, protocol), TestPackets.V4Source, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(EspTransform.AesGcmIcv16, EspTestData.KeyMaterial(16)),
        };

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
    }

    [Fact]
    public void Init_again_keeps_the_iv_counter_going()
    {
        SecurityAssociation sa = EspTestData.PreparedSa();
        Assert.Equal(0UL, OutputIv(sa));

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(sa));

        Assert.Equal(1UL, OutputIv(sa));
    }

    [Fact]
    public void Packets_on_an_sa_never_prepared_are_unsupported()
    {
        SecurityAssociation sa = EspTestData.Sa();

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Output(sa, EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8)), 1));
        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Input(sa, EspTestData.Ipv4Transport(_pool, EspTestData.Payload(40)), 0));
    }

    [Fact]
    public void After_destroy_packets_are_unsupported_and_the_sa_cannot_be_prepared_again()
    {
        byte[] key = EspTestData.KeyMaterial(16);
        SecurityAssociation sender = EspTestData.PreparedSa(keyMaterial: key);
        SecurityAssociation receiver = EspTestData.PreparedSa(keyMaterial: key);
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, 1));

        EspTransform.Instance.Destroy(sender);
        EspTransform.Instance.Destroy(receiver);
        EspTransform.Instance.Destroy(receiver);

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Input(receiver, packet, 0));
        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Output(sender, EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8)), 2));

        // A fresh counter would send IV 0 again under the same key.
        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sender));
    }

    [Fact]
    public void Destroy_on_an_sa_never_prepared_does_nothing()
    {
        SecurityAssociation sa = EspTestData.Sa();

        EspTransform.Instance.Destroy(sa);

        Assert.Null(sa.TypeState);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(sa));
    }

    [Fact]
    public void Trailer_length_follows_the_algorithms_icv_even_before_init()
    {
        Assert.Equal(2 + 2 + 12, EspTransform.Instance.TrailerLength(EspTestData.Sa(EspTransform.AesGcmIcv12), 0));
        Assert.Equal(2 + 2 + 16, EspTransform.Instance.TrailerLength(EspTestData.Sa(EspTransform.AesGcmIcv16), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => EspTransform.Instance.TrailerLength(EspTestData.Sa(), -1));
    }

    private ulong OutputIv(SecurityAssociation sa)
    {
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 1));
        ulong iv = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(packet.Data.Slice(28, 8));
        _pool.Return(packet);
        return iv;
    }
}
