using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Transforms.Ah;
using Netipsec.Transforms;
using Netipsec.Transforms.Ah;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// AH on the native engine: every authentication algorithm AH takes (AES-XCBC and AES-GMAC included), IPv4 and IPv6,
/// with and without ESN, received by the native engine and, where it runs the algorithm, by the portable one.
/// </summary>
public sealed class IntelIpsecMbAhTests
{
    public static TheoryData<byte, int, bool> Algorithms
    {
        get
        {
            var data = new TheoryData<byte, int, bool>();
            foreach (bool esn in new[] { false, true })
            {
                foreach ((byte id, int keyLength) in AhTestData.Algorithms.Select(row => ((byte)row[0], (int)row[1])).Append((AhTestData.AesXcbc, 16)))
                {
                    data.Add(id, keyLength, esn);
                }
            }

            return data;
        }
    }

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(Algorithms))]
    public void Ah_protects_on_the_native_engine_and_both_engines_verify(byte algorithm, int keyLength, bool esn)
    {
        // The native engine with every algorithm it has: the default list leaves some HMACs to the portable engine.
        var native = new AhTransform([IntelIpsecMbEngine.Instance, Netipsec.Crypto.PortableCryptoEngine.Instance]);
        const ulong Sequence = (3ul << 32) | 7;
        foreach (IpVersion version in new[] { IpVersion.V4, IpVersion.V6 })
        {
            byte[] original = version == IpVersion.V4 ? AhTestData.Ipv4() : AhTestData.Ipv6();
            SecurityAssociation sender = AhTestData.PreparedSa(algorithm, keyLength, version, extendedSequenceNumbers: esn, transform: native);
            Assert.Equal(IntelIpsecMbEngine.EngineName, sender.CryptoEngine);
            byte[] wire = AhTestData.Protect(sender, original, Sequence, native);
            uint high = esn ? 3u : 0u;

            SecurityAssociation nativeReceiver = AhTestData.PreparedSa(algorithm, keyLength, version, extendedSequenceNumbers: esn, transform: native);
            Assert.Equal(TransformStatus.Ok, AhTestData.Receive(nativeReceiver, wire, out byte[] recovered, high, native));
            Assert.Equal(original, recovered);

            if (algorithm != AhTestData.AesXcbc)
            {
                SecurityAssociation portableReceiver = AhTestData.PreparedSa(algorithm, keyLength, version, extendedSequenceNumbers: esn);
                Assert.Equal(TransformStatus.Ok, AhTestData.Receive(portableReceiver, wire, out recovered, high));
                Assert.Equal(original, recovered);
            }

            byte[] tampered = [.. wire];
            tampered[^1] ^= 0x01;
            Assert.Equal(TransformStatus.IntegrityFailed, AhTestData.Receive(nativeReceiver, tampered, out _, high, native));
            if (esn)
            {
                Assert.Equal(TransformStatus.IntegrityFailed, AhTestData.Receive(nativeReceiver, wire, out _, high + 1, native));
            }
        }
    }
}
