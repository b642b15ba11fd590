using System.Security.Cryptography;
using Netipsec.Crypto;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Netipsec.Tests.Crypto;

/// <summary>
/// The portable engine against independent implementations where no published vector fits the IPsec use: AES-CCM
/// with RFC 4309's 11-byte nonce, AES-GMAC with AAD, and CBC across successive packets (which exercises the
/// chaining-value steering of <see cref="PortableCbcKey"/>). Random keys and lengths 0..2000, fixed seeds.
/// </summary>
public sealed class PortableDifferentialTests
{
    private const int Rounds = 40;

    [Theory]
    [InlineData("aes-ccm-8")]
    [InlineData("aes-ccm-12")]
    [InlineData("aes-ccm-16")]
    public void CcmMatchesBouncyCastle(string name)
    {
        var random = new Random(4309);
        AlgorithmInfo algorithm = PortableKeys.Encryption(name);
        for (int round = 0; round < Rounds; round++)
        {
            byte[] keyMaterial = RandomBytes(random, 16 + (8 * random.Next(3)) + 3);
            using IAeadKey key = PortableKeys.Aead(algorithm, keyMaterial);
            byte[] iv = RandomBytes(random, 8);
            byte[] aad = RandomBytes(random, random.Next(2) == 0 ? 8 : 12); // with and without ESN
            byte[] plaintext = RandomBytes(random, random.Next(2001));
            byte[] data = [.. plaintext];
            byte[] tag = new byte[key.TagLength];
            Assert.Equal(CryptoStatus.Ok, key.Seal(iv, aad, data, tag));

            var reference = new CcmBlockCipher(new AesEngine());
            reference.Init(true, new AeadParameters(new KeyParameter(keyMaterial[..^3]), key.TagLength * 8, [.. keyMaterial[^3..], .. iv], aad));
            byte[] expected = new byte[reference.GetOutputSize(plaintext.Length)];
            int written = reference.ProcessBytes(plaintext, 0, plaintext.Length, expected, 0);
            reference.DoFinal(expected, written);
            byte[] actual = [.. data, .. tag];
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void GmacMatchesBouncyCastleOverAadThenData()
    {
        var random = new Random(4543);
        AlgorithmInfo algorithm = PortableKeys.Encryption("aes-gmac");
        for (int round = 0; round < Rounds; round++)
        {
            byte[] keyMaterial = RandomBytes(random, 16 + (8 * random.Next(3)) + 4);
            using IAeadKey key = PortableKeys.Aead(algorithm, keyMaterial);
            byte[] iv = RandomBytes(random, 8);
            byte[] aad = RandomBytes(random, random.Next(2) == 0 ? 16 : 20);
            byte[] data = RandomBytes(random, random.Next(2001));
            byte[] untouched = [.. data];
            byte[] tag = new byte[16];
            Assert.Equal(CryptoStatus.Ok, key.Seal(iv, aad, data, tag));
            Assert.Equal(untouched, data); // GMAC encrypts nothing

            var reference = new GMac(new GcmBlockCipher(new AesEngine()));
            reference.Init(new ParametersWithIV(new KeyParameter(keyMaterial[..^4]), [.. keyMaterial[^4..], .. iv]));
            reference.BlockUpdate(aad, 0, aad.Length);
            reference.BlockUpdate(data, 0, data.Length);
            byte[] expected = new byte[16];
            reference.DoFinal(expected, 0);
            Assert.Equal(expected, tag);
            Assert.Equal(CryptoStatus.Ok, key.Open(iv, aad, data, tag));
        }
    }

    [Fact]
    public void TripleDesCbcMatchesBouncyCastleAcrossSuccessivePackets() =>
        CheckCbcSequence("3des-cbc", 8, (key, iv, data) => BouncyCastleCbc(new DesEdeEngine(), key, iv, data));

    [Fact]
    public void AesCbcMatchesTheOneShotApiAcrossSuccessivePackets() =>
        CheckCbcSequence("aes-cbc", 16, (key, iv, data) =>
        {
            using Aes aes = Aes.Create();
            aes.Key = key;
            return aes.EncryptCbc(data, iv, PaddingMode.None);
        });

    [Fact]
    public void CtrMatchesBouncyCastleSicMode()
    {
        var random = new Random(3686);
        byte[] material = RandomBytes(random, 36);
        using ICipherKey key = PortableKeys.Cipher("aes-ctr", material);
        for (int round = 0; round < Rounds; round++)
        {
            byte[] iv = RandomBytes(random, 8);
            byte[] plaintext = RandomBytes(random, random.Next(2001));
            byte[] data = [.. plaintext];
            key.Encrypt(iv, data);

            var reference = new SicBlockCipher(new AesEngine());
            reference.Init(true, new ParametersWithIV(new KeyParameter(material[..32]), [.. material[32..], .. iv, 0, 0, 0, 1]));
            var stream = new BufferedBlockCipher(reference);
            byte[] expected = new byte[plaintext.Length];
            int written = stream.ProcessBytes(plaintext, 0, plaintext.Length, expected, 0);
            stream.DoFinal(expected, written);
            Assert.Equal(expected, data);
        }
    }

    private static void CheckCbcSequence(string name, int blockSize, Func<byte[], byte[], byte[], byte[]> reference)
    {
        var random = new Random(name.Length);
        AlgorithmInfo algorithm = PortableKeys.Encryption(name);
        byte[] keyMaterial = PortableKeys.RandomKeyMaterial(algorithm, random);
        using ICipherKey key = PortableKeys.Cipher(name, keyMaterial);
        for (int round = 0; round < Rounds; round++)
        {
            byte[] iv = RandomBytes(random, blockSize);
            byte[] plaintext = RandomBytes(random, blockSize * random.Next(126));
            byte[] data = [.. plaintext];
            Assert.Equal(CryptoStatus.Ok, key.Encrypt(iv, data));
            Assert.Equal(reference(keyMaterial, iv, plaintext), data);
            if (round % 3 == 0)
            {
                Assert.Equal(CryptoStatus.Ok, key.Decrypt(iv, data));
                Assert.Equal(plaintext, data);
            }
        }
    }

    private static byte[] BouncyCastleCbc(IBlockCipher engine, byte[] key, byte[] iv, byte[] data)
    {
        var cbc = new CbcBlockCipher(engine);
        cbc.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
        byte[] output = new byte[data.Length];
        for (int offset = 0; offset < data.Length; offset += cbc.GetBlockSize())
        {
            cbc.ProcessBlock(data, offset, output, offset);
        }

        return output;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
