using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Transforms.Esp;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// Native keys allocate nothing per packet once warm, single calls and bursts alike (AES-CCM and AES-CMAC included,
/// whose portable keys do allocate), and neither does the ESP transform on them, with ESN.
/// </summary>
public sealed class IntelIpsecMbSteadyStateTests
{
    private const int Ipv4HeaderLength = 20;
    private static readonly byte[] Iv = new byte[16];

    public static TheoryData<string> NativeAlgorithms
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (AlgorithmInfo row in AlgorithmTable.All.Where(IntelIpsecMbEngine.Instance.Supports))
            {
                names.Add(NativeKeys.Id(row));
            }

            return names;
        }
    }

    public static TheoryData<string> GapSixteenSuites =>
        ["aes-gcm-16/256", "aes-ccm-16/256", "chacha20-poly1305", "null-aes-gmac/128", "aes-ctr/192+hmac-sha1", "aes-ctr/192+aes-cmac", "aes-ctr/192+aes-xcbc-mac"];

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(NativeAlgorithms))]
    public void Single_calls_and_bursts_allocate_nothing(string id)
    {
        AlgorithmInfo algorithm = NativeKeys.Row(id);
        byte[] keyMaterial = NativeKeys.RandomKeyMaterial(algorithm, new Random(1));
        byte[] data = new byte[1408];
        byte[] aad = new byte[12];
        byte[] tag = new byte[32];
        var results = new CryptoStatus[4];
        Action operation;
        Action burst;
        IDisposable key;
        if (algorithm.UsesAeadKey)
        {
            IAeadKey aead = NativeKeys.Aead(NativeKeys.Native, algorithm, keyMaterial);
            Memory<byte> tagMemory = tag.AsMemory(0, aead.TagLength);
            AeadJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => new AeadJob(Iv.AsMemory(0, 8), aad, data, tagMemory))];
            (key, operation, burst) = (aead, () => aead.Seal(Iv.AsSpan(0, 8), aad, data, tagMemory.Span), () => aead.SealBurst(jobs, results));
        }
        else if (algorithm.Kind == AlgorithmKind.Cipher)
        {
            ICipherKey cipher = NativeKeys.Cipher(NativeKeys.Native, algorithm, keyMaterial);
            CipherJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => new CipherJob(Iv.AsMemory(0, cipher.IvLength), data))];
            (key, operation, burst) = (cipher, () => cipher.Encrypt(Iv.AsSpan(0, cipher.IvLength), data), () => cipher.EncryptBurst(jobs, results));
        }
        else
        {
            IIntegrityKey mac = NativeKeys.Integrity(NativeKeys.Native, algorithm, keyMaterial);
            Memory<byte> icv = tag.AsMemory(0, mac.IcvLength);
            IntegrityJob[] jobs = [.. Enumerable.Range(0, 4).Select(_ => new IntegrityJob(data, aad.AsMemory(0, 4), icv))];
            (key, operation, burst) = (mac, () => mac.Compute(data, aad.AsSpan(0, 4), icv.Span), () => mac.ComputeBurst(jobs, results));
        }

        using (key)
        {
            operation();
            burst();
            Assert.Equal(0, SteadyState.AllocatedBytes(_ => operation()));
            Assert.Equal(0, SteadyState.AllocatedBytes(_ => burst()));
            Assert.All(results, status => Assert.Equal(CryptoStatus.Ok, status));
        }
    }

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(GapSixteenSuites))]
    public void Esp_output_and_input_allocate_nothing_per_packet(string name)
    {
        var transform = new EspTransform(CryptoEngines.Default);
        EspSuite suite = name.EndsWith("aes-xcbc-mac", StringComparison.Ordinal)
            ? new EspSuite(name, EspSuite.AesCtr, 28, 9, 16)
            : EspSuite.All.Single(s => s.Name == name);
        SecurityAssociation sender = suite.Sa(extendedSequenceNumbers: true);
        SecurityAssociation receiver = suite.Sa(extendedSequenceNumbers: true);
        Assert.Equal(TransformStatus.Ok, transform.Init(sender));
        Assert.Equal(TransformStatus.Ok, transform.Init(receiver));
        Assert.Equal(IntelIpsecMbEngine.EngineName, sender.CryptoEngine);
        int headerLength = transform.HeaderLength(sender);
        Assert.Equal(EspTestData.GapLength, headerLength);
        var pool = new PacketPool(capacity: 4, diagnostics: false);
        Packet packet = EspTestData.Ipv4Transport(pool, EspTestData.Payload(1200));
        int sequence = 0;
        for (int i = 0; i < 50; i++)
        {
            RoundTrip();
        }

        Assert.Equal(0, SteadyState.AllocatedBytes(_ => RoundTrip()));
        transform.Destroy(sender);
        transform.Destroy(receiver);

        void RoundTrip()
        {
            sequence++;
            if (transform.Output(sender, packet, (ulong)sequence) != TransformStatus.Ok || transform.Input(receiver, packet, 0) != TransformStatus.Ok)
            {
                Assert.Fail("round trip failed");
            }

            packet.MakeSpace(Ipv4HeaderLength, headerLength);
            packet.SetTransportHeader(Ipv4HeaderLength);
        }
    }
}
