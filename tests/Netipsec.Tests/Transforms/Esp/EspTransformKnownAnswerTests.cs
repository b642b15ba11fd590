using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>The ESP packets of draft-mcgrew-gcm-test-01 §4, through Output and back through Input.</summary>
public sealed class EspTransformKnownAnswerTests
{
    private const int IcvLength = 16;

    private static readonly byte[] Ipv4Header = TestPackets.Ipv4(IpProtocol.IpInIp, [])[..20];

    private readonly PacketPool _pool = new(capacity: 4, diagnostics: true);

    public static TheoryData<string> Vectors => new(EspGcmVector.Names);

    [Fact]
    public void The_vector_file_covers_128_192_and_256_bit_keys_with_and_without_esn()
    {
        EspGcmVector[] vectors = [.. EspGcmVector.Names.Select(EspGcmVector.Get)];
        Assert.True(vectors.Length >= 3);
        Assert.Equal([16, 24, 32], vectors.Select(v => v.Key.Length).Distinct().Order());
        Assert.Contains(vectors, v => v.ExtendedSequenceNumbers && v.Sequence > uint.MaxValue);
        Assert.Contains(vectors, v => !v.ExtendedSequenceNumbers);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Output_with_the_vectors_iv_produces_the_vectors_packet(string name)
    {
        EspGcmVector vector = EspGcmVector.Get(name);
        SecurityAssociation sa = PreparedSa(vector, EspTransform.AesGcmIcv16);
        Packet packet = EspTestData.OutputLayout(_pool, Ipv4Header, vector.Payload, (IpProtocol)vector.NextHeader, 9);

        Assert.Equal(TransformStatus.Ok, Transform(vector).Output(sa, packet, vector.Sequence));

        Assert.Equal(vector.EspPacket, packet.Data[20..].ToArray());
        Assert.Equal((byte)IpProtocol.Esp, packet.Data[9]);
        Assert.Equal(vector.TrailerLength + IcvLength, EspTransform.Instance.TrailerLength(sa, vector.Payload.Length));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Input_recovers_the_vectors_payload_and_next_header(string name)
    {
        EspGcmVector vector = EspGcmVector.Get(name);
        SecurityAssociation sa = PreparedSa(vector, EspTransform.AesGcmIcv16);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, vector.EspPacket, 9);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(sa, packet, (uint)(vector.Sequence >> 32)));

        Assert.Equal([.. Ipv4Header, .. vector.Payload], packet.Data.ToArray());
        Assert.Equal(20, packet.TransportOffset);
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal((IpProtocol)vector.NextHeader, packet.InnerProtocol);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Icv12_is_the_vectors_tag_truncated_to_its_first_12_bytes(string name)
    {
        // GCM's shorter tags are the leftmost bytes of the full tag (NIST SP 800-38D §7.1), so the 16-byte vectors
        // pin the 12-byte variant too.
        EspGcmVector vector = EspGcmVector.Get(name);
        SecurityAssociation sender = PreparedSa(vector, EspTransform.AesGcmIcv12);
        Packet packet = EspTestData.OutputLayout(_pool, Ipv4Header, vector.Payload, (IpProtocol)vector.NextHeader, 9);

        Assert.Equal(TransformStatus.Ok, Transform(vector).Output(sender, packet, vector.Sequence));

        Assert.Equal(vector.EspPacket[..^4], packet.Data[20..].ToArray());
        SecurityAssociation receiver = PreparedSa(vector, EspTransform.AesGcmIcv12);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, packet, (uint)(vector.Sequence >> 32)));
        Assert.Equal(vector.Payload, packet.Data[20..].ToArray());
    }

    [Fact]
    public void The_first_vector_needs_the_esn_high_half_in_the_aad()
    {
        EspGcmVector vector = EspGcmVector.Get("case 1");
        Assert.True(vector.ExtendedSequenceNumbers);
        Assert.Equal(0u, (uint)vector.Sequence);
        SecurityAssociation sa = PreparedSa(vector, EspTransform.AesGcmIcv16);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, vector.EspPacket, 9);

        Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(sa, packet, 0));
    }

    private static EspTransform Transform(EspGcmVector vector) => new(BinaryPrimitives.ReadUInt64BigEndian(vector.Iv));

    private static SecurityAssociation PreparedSa(EspGcmVector vector, byte algorithm)
    {
        SecurityAssociation sa = EspTestData.Sa(algorithm, vector.KeyMaterial, vector.ExtendedSequenceNumbers, spi: vector.Spi);
        Assert.Equal(TransformStatus.Ok, Transform(vector).Init(sa));
        return sa;
    }
}
