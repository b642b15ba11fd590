using Netipsec.Crypto;

namespace Netipsec.Tests.Crypto;

public sealed class AlgorithmTableTests
{
    // Ids as <linux/pfkeyv2.h> defines them, plus the three this project assigned (see AlgorithmTable).
    public static TheoryData<PfKeyAlgorithmSpace, string, int, bool> PfKeyIds => new()
    {
        { PfKeyAlgorithmSpace.Encryption, "des-cbc", 2, true },
        { PfKeyAlgorithmSpace.Encryption, "3des-cbc", 3, true },
        { PfKeyAlgorithmSpace.Encryption, "null", 11, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-cbc", 12, true },
        { PfKeyAlgorithmSpace.Encryption, "rijndael-cbc", 12, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-ctr", 13, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-ccm-8", 14, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-ccm-12", 15, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-ccm-16", 16, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-gcm-8", 18, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-gcm-12", 19, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-gcm-16", 20, true },
        { PfKeyAlgorithmSpace.Encryption, "aes-gmac", 23, true },
        { PfKeyAlgorithmSpace.Encryption, "chacha20-poly1305", 250, false },
        { PfKeyAlgorithmSpace.Authentication, "hmac-md5", 2, true },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha1", 3, true },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha256", 5, true },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha384", 6, true },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha512", 7, true },
        { PfKeyAlgorithmSpace.Authentication, "aes-xcbc-mac", 9, true },
        { PfKeyAlgorithmSpace.Authentication, "aes-cmac", 250, false },
        { PfKeyAlgorithmSpace.Authentication, "aes-gmac", 249, false },
        { PfKeyAlgorithmSpace.Authentication, "null", 251, true },
        { PfKeyAlgorithmSpace.Compression, "deflate", 2, true },
        { PfKeyAlgorithmSpace.Compression, "lzs", 3, true },
        { PfKeyAlgorithmSpace.Compression, "lzjh", 4, true },
    };

    // name, min/max/step key bits with salt, salt bits, IV, block, ICV.
    public static TheoryData<PfKeyAlgorithmSpace, string, int[]> Sizes => new()
    {
        { PfKeyAlgorithmSpace.Encryption, "aes-gcm-16", [160, 288, 64, 32, 8, 1, 16] },
        { PfKeyAlgorithmSpace.Encryption, "aes-gcm-8", [160, 288, 64, 32, 8, 1, 8] },
        { PfKeyAlgorithmSpace.Encryption, "aes-ccm-12", [152, 280, 64, 24, 8, 1, 12] },
        { PfKeyAlgorithmSpace.Encryption, "aes-ctr", [160, 288, 64, 32, 8, 1, 0] },
        { PfKeyAlgorithmSpace.Encryption, "chacha20-poly1305", [288, 288, 0, 32, 8, 1, 16] },
        { PfKeyAlgorithmSpace.Encryption, "aes-gmac", [160, 288, 64, 32, 8, 1, 16] },
        { PfKeyAlgorithmSpace.Encryption, "aes-cbc", [128, 256, 64, 0, 16, 16, 0] },
        { PfKeyAlgorithmSpace.Encryption, "3des-cbc", [192, 192, 0, 0, 8, 8, 0] },
        { PfKeyAlgorithmSpace.Encryption, "null", [0, 0, 0, 0, 0, 1, 0] },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha1", [160, 160, 0, 0, 0, 1, 12] },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha256", [256, 256, 0, 0, 0, 1, 16] },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha384", [384, 384, 0, 0, 0, 1, 24] },
        { PfKeyAlgorithmSpace.Authentication, "hmac-sha512", [512, 512, 0, 0, 0, 1, 32] },
        { PfKeyAlgorithmSpace.Authentication, "hmac-md5", [128, 128, 0, 0, 0, 1, 12] },
        { PfKeyAlgorithmSpace.Authentication, "aes-xcbc-mac", [128, 128, 0, 0, 0, 1, 12] },
        { PfKeyAlgorithmSpace.Authentication, "aes-cmac", [128, 128, 0, 0, 0, 1, 12] },
        { PfKeyAlgorithmSpace.Authentication, "null", [0, 0, 0, 0, 0, 1, 0] },
    };

    [Theory]
    [MemberData(nameof(PfKeyIds))]
    public void NamesMapToLinuxPfKeyIdsBothWays(PfKeyAlgorithmSpace space, string name, int id, bool linuxId)
    {
        Assert.True(AlgorithmTable.TryGetByName(space, name, out AlgorithmInfo? byName));
        Assert.True(AlgorithmTable.TryGetByPfKeyId(space, id, out AlgorithmInfo? byId));
        Assert.Same(byName, byId);
        Assert.Equal(id, byName.PfKeyId);
        Assert.Equal(linuxId, byName.IsLinuxPfKeyId);
        Assert.Equal(space, byName.Space);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SizesIncludeSaltsAndTruncatedIcvs(PfKeyAlgorithmSpace space, string name, int[] sizes)
    {
        Assert.True(AlgorithmTable.TryGetByName(space, name, out AlgorithmInfo? algorithm));
        Assert.Equal(sizes, new[] { algorithm.MinKeyBits, algorithm.MaxKeyBits, algorithm.KeyBitsStep, algorithm.SaltBits, algorithm.IvLength, algorithm.BlockSize, algorithm.IcvLength });
    }

    [Fact]
    public void KeyLengthValidationFollowsMinMaxAndStep()
    {
        AlgorithmInfo gcm = PortableKeys.Encryption("aes-gcm-16");
        Assert.Equal(new[] { 20, 28, 36 }, Enumerable.Range(0, 64).Where(gcm.IsValidKeyLength));
        AlgorithmInfo tripleDes = PortableKeys.Encryption("3des-cbc");
        Assert.Equal(new[] { 24 }, Enumerable.Range(0, 64).Where(tripleDes.IsValidKeyLength));
        Assert.False(gcm.IsValidKeyLength(-1));
        Assert.False(gcm.IsValidKeyLength(int.MaxValue));
    }

    [Fact]
    public void IdsAreUniquePerSpace()
    {
        foreach (IGrouping<PfKeyAlgorithmSpace, AlgorithmInfo> space in AlgorithmTable.All.GroupBy(row => row.Space))
        {
            Assert.Equal(space.Count(), space.Select(row => row.PfKeyId).Distinct().Count());
            Assert.DoesNotContain(space, row => row.PfKeyId == 0);
        }
    }

    [Fact]
    public void SetkeyNamesAreUniquePerSpace()
    {
        foreach (IGrouping<PfKeyAlgorithmSpace, AlgorithmInfo> space in AlgorithmTable.All.GroupBy(row => row.Space))
        {
            List<string> names = space.SelectMany(row => row.Names).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    [Fact]
    public void XfrmNameAndIcvIdentifyOneRow()
    {
        List<(string, int)> keys = AlgorithmTable.All.Where(row => row.XfrmName is not null).Select(row => (row.XfrmName!, row.IcvLength)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());

        Assert.True(AlgorithmTable.TryGetByXfrmName("rfc4106(gcm(aes))", 12, out AlgorithmInfo? gcm12));
        Assert.Equal(19, gcm12.PfKeyId);
        Assert.True(AlgorithmTable.TryGetByXfrmName("cbc(aes)", 0, out AlgorithmInfo? cbc));
        Assert.Equal("aes-cbc", cbc.Name);
        Assert.False(AlgorithmTable.TryGetByXfrmName("rfc4106(gcm(aes))", 10, out _));
        Assert.False(AlgorithmTable.TryGetByXfrmName("RFC4106(GCM(AES))", 16, out _));
    }

    [Fact]
    public void NameLookupIgnoresCaseAndKeepsSpacesApart()
    {
        Assert.True(AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Encryption, "AES-GCM-16", out AlgorithmInfo? gcm));
        Assert.Equal(20, gcm.PfKeyId);
        Assert.True(AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Encryption, "null", out AlgorithmInfo? nullCipher));
        Assert.True(AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Authentication, "null", out AlgorithmInfo? nullAuth));
        Assert.Equal((AlgorithmKind.Cipher, AlgorithmKind.Integrity), (nullCipher.Kind, nullAuth.Kind));
        Assert.False(AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Authentication, "aes-cbc", out _));
        Assert.False(AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Encryption, "", out _));
    }

    [Fact]
    public void IdLookupRejectsUnknownAndOutOfRangeIds()
    {
        Assert.False(AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, 0, out _));
        Assert.False(AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, 17, out _));
        Assert.False(AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Authentication, 10, out _)); // SM3 in Linux; not here
        Assert.False(AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, 256, out _));
        Assert.False(AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, -1, out _));
    }

    [Fact]
    public void KindCheckedLookupSeparatesAeadsFromCiphers()
    {
        Assert.True(AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Aead, 20, out _));
        Assert.False(AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Cipher, 20, out _));
        Assert.True(AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Cipher, 12, out _));
        Assert.True(AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Compression, 2, out AlgorithmInfo? deflate));
        Assert.Equal("deflate", deflate.Name);
    }

    [Fact]
    public void IdLookupAllocatesNothing()
    {
        AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Aead, 20, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int id = 0; id < 300; id++)
        {
            AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, id, out _);
            AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, id, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void RegisterEntriesAreLinuxsSadbAlgValues()
    {
        Assert.Equal(new SadbAlgorithm(12, 8, 128, 256), PortableKeys.Encryption("aes-cbc").Register);
        Assert.Equal(new SadbAlgorithm(13, 8, 160, 288), PortableKeys.Encryption("aes-ctr").Register);
        Assert.Equal(new SadbAlgorithm(20, 8, 128, 256), PortableKeys.Encryption("aes-gcm-16").Register);
        Assert.Equal(new SadbAlgorithm(3, 8, 192, 192), PortableKeys.Encryption("3des-cbc").Register);
        Assert.Equal(new SadbAlgorithm(5, 0, 256, 256), PortableKeys.Authentication("hmac-sha256").Register);
        Assert.Equal(new SadbAlgorithm(251, 0, 0, 0), PortableKeys.Authentication("null").Register);
    }

    [Fact]
    public void RegisterListsOnlyWhatAnEngineSupportsInIdOrder()
    {
        ICryptoEngine[] engines = [PortableCryptoEngine.Instance];
        IReadOnlyList<SadbAlgorithm> encryption = AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Encryption, engines);
        IReadOnlyList<SadbAlgorithm> authentication = AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Authentication, engines);

        foreach (SadbAlgorithm entry in encryption.Concat(authentication))
        {
            PfKeyAlgorithmSpace space = encryption.Contains(entry) ? PfKeyAlgorithmSpace.Encryption : PfKeyAlgorithmSpace.Authentication;
            Assert.True(AlgorithmTable.TryGetByPfKeyId(space, entry.Id, out AlgorithmInfo? row));
            Assert.True(PortableCryptoEngine.Instance.Supports(row));
        }

        Assert.DoesNotContain(encryption, entry => entry.Id == 18); // AES-GCM-8: .NET tags are 12..16 bytes
        Assert.DoesNotContain(authentication, entry => entry.Id == 9); // AES-XCBC-MAC: no implementation
        Assert.Contains(encryption, entry => entry.Id == 20);
        Assert.Contains(authentication, entry => entry.Id == 250);
        Assert.Equal(encryption.OrderBy(entry => entry.Id), encryption);
        Assert.Empty(AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Compression, engines));
        Assert.Empty(AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Encryption, []));
    }

    [Fact]
    public void LegacyRowsAreTheOnesRfc8221Demotes()
    {
        Assert.Equal(new[] { "3des-cbc", "des-cbc", "hmac-md5" }, AlgorithmTable.All.Where(row => row.IsLegacy).Select(row => row.Name).Order());
    }
}
