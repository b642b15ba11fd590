using System.Buffers.Binary;
using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Fuzz;

/// <summary>
/// ESP input (AES-GCM) on arbitrary bytes. The first input byte picks the case: even, the rest is an ESP packet as
/// received (mostly failing the ICV: this exercises the length checks); odd, the rest is a plaintext that is sealed
/// under the SA's key first, so the trailer checks see arbitrary padding, pad lengths and next headers.
/// </summary>
internal sealed class EspInputFuzzTarget : IFuzzTarget
{
    private const byte AesGcmIcv16 = 20; // SADB_X_EALG_AES_GCM_ICV16
    private const uint Spi = 0x1000;
    private const int HeaderLength = 16;
    private const int IcvLength = 16;

    private static readonly byte[] KeyMaterial = [.. Enumerable.Range(1, 20).Select(b => (byte)b)];
    private static readonly byte[] Ipv4Header = Convert.FromHexString("450000000000000040320000C0000201C0000202");
    private static readonly IpAddress Source = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress Destination = IpAddress.Parse("192.0.2.2");

    private readonly PacketPool _pool = new(capacity: 1, bufferSize: 4096, diagnostics: false);
    private readonly SecurityAssociation _sa;

    public EspInputFuzzTarget()
    {
        _sa = new SecurityAssociation(new SaId(Destination, Spi, IpsecProtocol.Esp), Source, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesGcmIcv16, KeyMaterial),
        };
        if (EspTransform.Instance.Init(_sa) != TransformStatus.Ok)
        {
            throw new InvalidOperationException("AES-GCM is not available here.");
        }
    }


    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty || input.Length > 2048)
        {
            return;
        }

        Packet packet = _pool.Rent();
        try
        {
            ReadOnlySpan<byte> body = input[1..];
            Ipv4Header.CopyTo(packet.Put(Ipv4Header.Length));
            if ((input[0] & 1) == 0)
            {
                body.CopyTo(packet.Put(body.Length));
            }
            else
            {
                Seal(body, packet.Put(HeaderLength + body.Length + IcvLength));
            }

            packet.SetNetworkHeader(0);
            packet.SetTransportHeader(Ipv4Header.Length);
            packet.NextHeaderFieldOffset = 9;
            _ = EspTransform.Instance.Input(_sa, packet, 0);
        }
        finally
        {
            _pool.Return(packet);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return [1, .. Convert.FromHexString("0000000000000000DEADBEEF01020211")]; // UDP-ish payload, padding 1 2
        yield return [1, 0x00, 0x3B]; // an empty dummy packet (next header 59)
        yield return [1, 0xAA, 0x01, 0x01, 0x04];
        yield return [0, .. new byte[HeaderLength + 4 + IcvLength]];
    }

    private static void Seal(ReadOnlySpan<byte> plaintext, Span<byte> esp)
    {
        BinaryPrimitives.WriteUInt32BigEndian(esp, Spi);
        BinaryPrimitives.WriteUInt32BigEndian(esp[4..], 1);
        BinaryPrimitives.WriteUInt64BigEndian(esp[8..], 7);
        Span<byte> nonce = stackalloc byte[12];
        KeyMaterial.AsSpan(16).CopyTo(nonce);
        esp.Slice(8, 8).CopyTo(nonce[4..]);
        using var sealer = new AesGcm(KeyMaterial.AsSpan(0, 16), IcvLength);
        sealer.Encrypt(nonce, plaintext, esp.Slice(HeaderLength, plaintext.Length), esp[^IcvLength..], esp[..8]);
    }
}
