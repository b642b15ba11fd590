using Netipsec.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// The intel-ipsec-mb engine against the portable engine for every algorithm both run: random keys of every size the
/// native engine takes, payloads of 0 to 2000 bytes (odd ones and the block edges included) and a few beyond, around the
/// length where the engine stops calling without a GC transition (2048 bytes with the associated data), associated data with and
/// without ESN (8 and 12 bytes), output of one engine accepted by the other both ways, and tampered ICVs refused.
/// AES-GCM with an 8-byte ICV, which the portable engine lacks, is checked against BouncyCastle instead.
/// </summary>
public sealed class IntelIpsecMbDifferentialTests
{
    private static readonly int[] EdgeLengths = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1399, 1400, 1401, 2000, 2032, 2040, 2041, 2048, 2049, 9000];

    public static TheoryData<string> Aeads => NativeKeys.BothSupport(AlgorithmKind.Aead);

    public static TheoryData<string> Ciphers => NativeKeys.BothSupport(AlgorithmKind.Cipher);

    public static TheoryData<string> Integrities => NativeKeys.BothSupport(AlgorithmKind.Integrity);

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(Aeads))]
    public void Aead_agrees_with_the_portable_engine_both_ways(string id)
    {
        AlgorithmInfo algorithm = NativeKeys.Row(id);
        var random = new Random(Seed(algorithm));
        foreach ((int length, int round) in Lengths(random).Select((length, round) => (length, round)))
        {
            byte[] keyMaterial = NativeKeys.RandomKeyMaterial(algorithm, random);
            using IAeadKey native = NativeKeys.Aead(NativeKeys.Native, algorithm, keyMaterial);
            using IAeadKey portable = NativeKeys.Aead(NativeKeys.Portable, algorithm, keyMaterial);
            byte[] iv = NativeKeys.RandomBytes(random, 8);
            // SPI || sequence, or SPI || ESN high || low; AH's AES-GMAC also authenticates a whole packet as associated data.
            int aadLength = algorithm.Primitive == CryptoPrimitive.AesGmac && round % 3 == 2 ? random.Next(2001) : round % 2 == 0 ? 8 : 12;
            byte[] aad = NativeKeys.RandomBytes(random, aadLength);
            byte[] plaintext = NativeKeys.RandomBytes(random, length);

            (byte[] nativeData, byte[] nativeTag) = Seal(native, iv, aad, plaintext);
            (byte[] portableData, byte[] portableTag) = Seal(portable, iv, aad, plaintext);
            Assert.Equal(portableData, nativeData);
            Assert.Equal(portableTag, nativeTag);

            Assert.Equal(plaintext, Open(portable, iv, aad, nativeData, nativeTag));
            Assert.Equal(plaintext, Open(native, iv, aad, portableData, portableTag));

            byte[] tampered = [.. nativeTag];
            tampered[random.Next(tampered.Length)] ^= (byte)(1 << random.Next(8));
            Assert.Equal(CryptoStatus.AuthenticationFailed, native.Open(iv, aad, [.. nativeData], tampered));
            Assert.Equal(CryptoStatus.AuthenticationFailed, portable.Open(iv, aad, [.. nativeData], tampered));
            if (length > 0)
            {
                byte[] corrupted = [.. portableData];
                corrupted[random.Next(length)] ^= 0x80;
                Assert.Equal(CryptoStatus.AuthenticationFailed, native.Open(iv, aad, corrupted, portableTag));
            }
        }
    }

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(Ciphers))]
    public void Cipher_agrees_with_the_portable_engine_both_ways(string id)
    {
        AlgorithmInfo algorithm = NativeKeys.Row(id);
        var random = new Random(Seed(algorithm));
        foreach (int anyLength in Lengths(random))
        {
            int length = anyLength - (anyLength % algorithm.BlockSize);
            byte[] keyMaterial = NativeKeys.RandomKeyMaterial(algorithm, random);
            using ICipherKey native = NativeKeys.Cipher(NativeKeys.Native, algorithm, keyMaterial);
            using ICipherKey portable = NativeKeys.Cipher(NativeKeys.Portable, algorithm, keyMaterial);
            byte[] iv = NativeKeys.RandomBytes(random, algorithm.IvLength);
            byte[] plaintext = NativeKeys.RandomBytes(random, length);

            byte[] nativeData = [.. plaintext];
            byte[] portableData = [.. plaintext];
            Assert.Equal(CryptoStatus.Ok, native.Encrypt(iv, nativeData));
            Assert.Equal(CryptoStatus.Ok, portable.Encrypt(iv, portableData));
            Assert.Equal(portableData, nativeData);

            Assert.Equal(CryptoStatus.Ok, portable.Decrypt(iv, nativeData));
            Assert.Equal(CryptoStatus.Ok, native.Decrypt(iv, portableData));
            Assert.Equal(plaintext, nativeData);
            Assert.Equal(plaintext, portableData);
        }
    }

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(Integrities))]
    public void Integrity_agrees_with_the_portable_engine_both_ways(string id)
    {
        AlgorithmInfo algorithm = NativeKeys.Row(id);
        var random = new Random(Seed(algorithm));
        foreach ((int length, int round) in Lengths(random).Select((length, round) => (length, round)))
        {
            byte[] keyMaterial = NativeKeys.RandomKeyMaterial(algorithm, random);
            using IIntegrityKey native = NativeKeys.Integrity(NativeKeys.Native, algorithm, keyMaterial);
            using IIntegrityKey portable = NativeKeys.Integrity(NativeKeys.Portable, algorithm, keyMaterial);
            byte[] data = NativeKeys.RandomBytes(random, length);
            byte[] appended = NativeKeys.RandomBytes(random, round % 2 == 0 ? 0 : 4); // without and with ESN high bits

            byte[] nativeIcv = new byte[native.IcvLength];
            byte[] portableIcv = new byte[portable.IcvLength];
            Assert.Equal(CryptoStatus.Ok, native.Compute(data, appended, nativeIcv));
            Assert.Equal(CryptoStatus.Ok, portable.Compute(data, appended, portableIcv));
            Assert.Equal(portableIcv, nativeIcv);
            Assert.Equal(CryptoStatus.Ok, native.Verify(data, appended, portableIcv));
            Assert.Equal(CryptoStatus.Ok, portable.Verify(data, appended, nativeIcv));

            byte[] tampered = [.. nativeIcv];
            tampered[random.Next(tampered.Length)] ^= (byte)(1 << random.Next(8));
            Assert.Equal(CryptoStatus.AuthenticationFailed, native.Verify(data, appended, tampered));
            Assert.Equal(CryptoStatus.AuthenticationFailed, portable.Verify(data, appended, tampered));
            if (appended.Length > 0)
            {
                Assert.Equal(CryptoStatus.AuthenticationFailed, native.Verify(data, [.. appended.Reverse(), 1], nativeIcv));
            }
        }
    }

    [FactWhenIntelIpsecMb]
    public void Gcm_with_an_8_byte_icv_matches_BouncyCastle()
    {
        AlgorithmInfo algorithm = PortableKeys.Encryption("aes-gcm-8");
        var random = new Random(4106);
        foreach ((int length, int round) in Lengths(random).Select((length, round) => (length, round)))
        {
            byte[] keyMaterial = NativeKeys.RandomKeyMaterial(algorithm, random);
            using IAeadKey native = NativeKeys.Aead(NativeKeys.Native, algorithm, keyMaterial);
            byte[] iv = NativeKeys.RandomBytes(random, 8);
            byte[] aad = NativeKeys.RandomBytes(random, round % 2 == 0 ? 8 : 12);
            byte[] plaintext = NativeKeys.RandomBytes(random, length);
            (byte[] data, byte[] tag) = Seal(native, iv, aad, plaintext);

            var reference = new GcmBlockCipher(new AesEngine());
            reference.Init(true, new AeadParameters(new KeyParameter(keyMaterial[..^4]), 64, [.. keyMaterial[^4..], .. iv], aad));
            byte[] expected = new byte[reference.GetOutputSize(length)];
            int written = reference.ProcessBytes(plaintext, 0, length, expected, 0);
            reference.DoFinal(expected, written);
            byte[] actual = [.. data, .. tag];
            Assert.Equal(expected, actual);
            Assert.Equal(plaintext, Open(native, iv, aad, data, tag));
        }
    }

    /// <summary>The edge lengths and as many random ones in 0..2000, in random order.</summary>
    private static int[] Lengths(Random random) =>
        [.. EdgeLengths.Concat(Enumerable.Range(0, EdgeLengths.Length).Select(_ => random.Next(2001))).OrderBy(_ => random.Next())];

    private static int Seed(AlgorithmInfo algorithm) => (algorithm.PfKeyId * 8) + (int)algorithm.Space;

    private static (byte[] Data, byte[] Tag) Seal(IAeadKey key, byte[] iv, byte[] aad, byte[] plaintext)
    {
        byte[] data = [.. plaintext];
        byte[] tag = new byte[key.TagLength];
        Assert.Equal(CryptoStatus.Ok, key.Seal(iv, aad, data, tag));
        return (data, tag);
    }

    private static byte[] Open(IAeadKey key, byte[] iv, byte[] aad, byte[] sealedData, byte[] tag)
    {
        byte[] data = [.. sealedData];
        Assert.Equal(CryptoStatus.Ok, key.Open(iv, aad, data, tag));
        return data;
    }
}
