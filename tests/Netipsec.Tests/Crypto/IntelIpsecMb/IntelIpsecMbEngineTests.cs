using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.States;
using Netipsec.Tests.Transforms.Esp;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// What the intel-ipsec-mb engine supports and refuses, the rules its keys keep (lengths, disposal, bursts, parallel
/// calls), and how engine lists fall back to the portable engine.
/// </summary>
public sealed class IntelIpsecMbEngineTests
{
    private static readonly byte[] Iv8 = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void An_unavailable_engine_says_why_and_supports_nothing()
    {
        if (IntelIpsecMbEngine.IsAvailable)
        {
            Assert.Null(IntelIpsecMbEngine.UnavailableReason);
            Assert.StartsWith("1.", IntelIpsecMbEngine.LibraryVersion, StringComparison.Ordinal);
            Assert.Contains(IntelIpsecMbEngine.Architecture, new[] { "sse", "avx", "avx2", "avx512" });
            Assert.Equal([IntelIpsecMbEngine.Preferred, PortableCryptoEngine.Instance], CryptoEngines.Default);
            return;
        }

        Assert.False(string.IsNullOrWhiteSpace(IntelIpsecMbEngine.UnavailableReason));
        Assert.DoesNotContain(AlgorithmTable.All, IntelIpsecMbEngine.Instance.Supports);
        Assert.Equal([PortableCryptoEngine.Instance], CryptoEngines.Default);
    }

    [FactWhenIntelIpsecMb]
    public void Supports_every_algorithm_but_des_3des_the_null_ones_and_compression()
    {
        foreach (AlgorithmInfo row in AlgorithmTable.All)
        {
            bool expected = row.Kind != AlgorithmKind.Compression
                && row.Primitive is not (CryptoPrimitive.NullCipher or CryptoPrimitive.NullIntegrity or CryptoPrimitive.DesCbc or CryptoPrimitive.TripleDesCbc);
            Assert.True(expected == NativeKeys.Native.Supports(row), row.ToString());
        }

        Assert.Equal(IntelIpsecMbEngine.EngineName, NativeKeys.Native.Name);
    }

    [FactWhenIntelIpsecMb]
    public void The_default_list_leaves_the_hmacs_the_portable_engine_runs_faster_to_it()
    {
        foreach (AlgorithmInfo row in AlgorithmTable.All)
        {
            bool leftToPortable = row.Primitive is CryptoPrimitive.HmacMd5 or CryptoPrimitive.HmacSha384 or CryptoPrimitive.HmacSha512;
            Assert.True(IntelIpsecMbEngine.Preferred.Supports(row) == (IntelIpsecMbEngine.Instance.Supports(row) && !leftToPortable), row.ToString());
        }

        Assert.Equal(IntelIpsecMbEngine.EngineName, IntelIpsecMbEngine.Preferred.Name);
        XfrmTypeRegistry types = CryptoEngines.CreateRegistry();
        var suites = new (EspSuite Suite, string Engine)[]
        {
            (new EspSuite("aes-cbc+hmac-md5", EspSuite.AesCbc, 16, EspSuite.HmacMd5, 16), $"{IntelIpsecMbEngine.EngineName}+{PortableCryptoEngine.EngineName}"),
            (new EspSuite("aes-cbc+hmac-sha384", EspSuite.AesCbc, 16, EspSuite.HmacSha384, 48), $"{IntelIpsecMbEngine.EngineName}+{PortableCryptoEngine.EngineName}"),
            (new EspSuite("aes-cbc+hmac-sha512", EspSuite.AesCbc, 16, EspSuite.HmacSha512, 64), $"{IntelIpsecMbEngine.EngineName}+{PortableCryptoEngine.EngineName}"),
            (new EspSuite("aes-cbc+hmac-sha256", EspSuite.AesCbc, 16, EspSuite.HmacSha256, 32), IntelIpsecMbEngine.EngineName),
        };
        foreach ((EspSuite suite, string engine) in suites)
        {
            SecurityAssociation sa = suite.Sa();
            Assert.Equal(TransformStatus.Ok, types.Init(sa));
            Assert.Equal(engine, sa.CryptoEngine);
            types.Destroy(sa);
        }
    }

    [FactWhenIntelIpsecMb]
    public void Refuses_wrong_methods_and_lengths()
    {
        ICryptoEngine engine = NativeKeys.Native;
        AlgorithmInfo gcm = PortableKeys.Encryption("aes-gcm-16");
        AlgorithmInfo cbc = PortableKeys.Encryption("aes-cbc");
        AlgorithmInfo sha1 = PortableKeys.Authentication("hmac-sha1");

        Assert.Equal(KeyCreateStatus.Unsupported, engine.CreateCipherKey(gcm, new byte[20], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, engine.CreateIntegrityKey(PortableKeys.Authentication("aes-gmac"), new byte[20], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, engine.CreateCipherKey(PortableKeys.Encryption("null"), [], out _));
        Assert.Equal(KeyCreateStatus.InvalidKeyLength, engine.CreateAeadKey(gcm, new byte[19], out IAeadKey? aead));
        Assert.Null(aead);
        Assert.Equal(KeyCreateStatus.InvalidKeyLength, engine.CreateCipherKey(cbc, new byte[17], out _));
        Assert.Equal(KeyCreateStatus.InvalidKeyLength, engine.CreateIntegrityKey(sha1, new byte[16], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, engine.CreateCipherKey(PortableKeys.Encryption("3des-cbc"), EspSuite.Key(24, 1), out _));
    }

    [FactWhenIntelIpsecMb]
    public void Ccm_with_a_192_bit_key_is_left_to_the_portable_engine()
    {
        AlgorithmInfo ccm = PortableKeys.Encryption("aes-ccm-16");
        Assert.Equal(KeyCreateStatus.Unsupported, NativeKeys.Native.CreateAeadKey(ccm, new byte[27], out IAeadKey? refused));
        Assert.Null(refused);

        var transform = new EspTransform(CryptoEngines.Default);
        SecurityAssociation ccm192 = EspTestData.Sa(EspSuite.AesCcm16, EspSuite.Key(27, 1));
        SecurityAssociation ccm256 = EspTestData.Sa(EspSuite.AesCcm16, EspSuite.Key(35, 1));
        Assert.Equal(TransformStatus.Ok, transform.Init(ccm192));
        Assert.Equal(TransformStatus.Ok, transform.Init(ccm256));
        Assert.Equal(PortableCryptoEngine.EngineName, ccm192.CryptoEngine);
        Assert.Equal(IntelIpsecMbEngine.EngineName, ccm256.CryptoEngine);
        transform.Destroy(ccm192);
        transform.Destroy(ccm256);
    }

    [FactWhenIntelIpsecMb]
    public void An_sa_names_each_engine_its_keys_came_from()
    {
        XfrmTypeRegistry types = CryptoEngines.CreateRegistry();
        var suites = new (EspSuite Suite, string Engine)[]
        {
            (new EspSuite("aes-gcm-16", EspSuite.AesGcm16, 20), IntelIpsecMbEngine.EngineName),
            (new EspSuite("aes-cbc+xcbc", EspSuite.AesCbc, 16, 9, 16), IntelIpsecMbEngine.EngineName),
            (new EspSuite("aes-cbc+null", EspSuite.AesCbc, 16, EspSuite.NullIntegrity, 0), $"{IntelIpsecMbEngine.EngineName}+{PortableCryptoEngine.EngineName}"),
            (new EspSuite("null+hmac-sha256", EspSuite.NullCipher, 0, EspSuite.HmacSha256, 32), $"{PortableCryptoEngine.EngineName}+{IntelIpsecMbEngine.EngineName}"),
        };
        foreach ((EspSuite suite, string engine) in suites)
        {
            SecurityAssociation sa = suite.Sa();
            Assert.Null(sa.CryptoEngine);
            Assert.Equal(TransformStatus.Ok, types.Init(sa));
            Assert.Equal(engine, sa.CryptoEngine);
            types.Destroy(sa);
        }
    }

    [FactWhenIntelIpsecMb]
    public void Wrong_lengths_change_nothing_and_say_so()
    {
        using IAeadKey aead = NativeKeys.Aead(NativeKeys.Native, PortableKeys.Encryption("aes-gcm-16"), EspSuite.Key(20, 1));
        using ICipherKey cbc = NativeKeys.Cipher(NativeKeys.Native, PortableKeys.Encryption("aes-cbc"), EspSuite.Key(16, 1));
        using IIntegrityKey mac = NativeKeys.Integrity(NativeKeys.Native, PortableKeys.Authentication("hmac-sha256"), EspSuite.Key(32, 1));
        byte[] data = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        byte[] untouched = [.. data];

        Assert.Equal(CryptoStatus.InvalidLength, aead.Seal(Iv8.AsSpan(0, 7), default, data, new byte[16]));
        Assert.Equal(CryptoStatus.InvalidLength, aead.Seal(Iv8, default, data, new byte[12]));
        Assert.Equal(CryptoStatus.InvalidLength, aead.Open(Iv8, default, data, new byte[8]));
        Assert.Equal(CryptoStatus.InvalidLength, cbc.Encrypt(new byte[8], data));
        Assert.Equal(CryptoStatus.InvalidLength, cbc.Decrypt(new byte[16], data.AsSpan(0, 31)));
        Assert.Equal(CryptoStatus.InvalidLength, mac.Compute(data, default, new byte[12]));
        Assert.Equal(CryptoStatus.InvalidLength, mac.Verify(data, default, new byte[32]));
        Assert.Equal(untouched, data);
    }

    [FactWhenIntelIpsecMb]
    public void A_disposed_key_refuses_every_call()
    {
        IAeadKey aead = NativeKeys.Aead(NativeKeys.Native, PortableKeys.Encryption("chacha20-poly1305"), EspSuite.Key(36, 1));
        ICipherKey ctr = NativeKeys.Cipher(NativeKeys.Native, PortableKeys.Encryption("aes-ctr"), EspSuite.Key(20, 1));
        IIntegrityKey xcbc = NativeKeys.Integrity(NativeKeys.Native, PortableKeys.Authentication("aes-xcbc-mac"), EspSuite.Key(16, 1));
        aead.Dispose();
        ctr.Dispose();
        xcbc.Dispose();
        xcbc.Dispose(); // idempotent
        byte[] data = new byte[16];
        CryptoStatus[] results = new CryptoStatus[1];

        Assert.Equal(CryptoStatus.Disposed, aead.Seal(Iv8, default, data, new byte[16]));
        Assert.Equal(CryptoStatus.Disposed, aead.Open(Iv8, default, data, new byte[16]));
        Assert.Equal(CryptoStatus.Disposed, ctr.Encrypt(Iv8, data));
        Assert.Equal(CryptoStatus.Disposed, xcbc.Verify(data, default, new byte[12]));
        Assert.Equal(0, xcbc.ComputeBurst([new IntegrityJob(data, default, new byte[12])], results));
        Assert.Equal(CryptoStatus.Disposed, results[0]);
        Assert.Equal(new byte[16], data);
    }

    [FactWhenIntelIpsecMb]
    public void Bursts_give_what_single_calls_give_job_by_job()
    {
        var random = new Random(7);
        using IAeadKey aead = NativeKeys.Aead(NativeKeys.Native, PortableKeys.Encryption("aes-gcm-16"), EspSuite.Key(36, 1));
        using ICipherKey cbc = NativeKeys.Cipher(NativeKeys.Native, PortableKeys.Encryption("aes-cbc"), EspSuite.Key(32, 1));
        using IIntegrityKey sha1 = NativeKeys.Integrity(NativeKeys.Native, PortableKeys.Authentication("hmac-sha1"), EspSuite.Key(20, 1));
        const int Count = 75; // more than one chunk of 32
        byte[][] plaintexts = [.. Enumerable.Range(0, Count).Select(i => NativeKeys.RandomBytes(random, 16 * random.Next(90)))];
        byte[][] ivs = [.. Enumerable.Range(0, Count).Select(_ => NativeKeys.RandomBytes(random, 16))];
        var results = new CryptoStatus[Count];

        // AEAD: job 5 has a short tag, so it alone is refused.
        byte[][] sealedData = [.. plaintexts.Select(p => p.ToArray())];
        byte[][] tags = [.. Enumerable.Range(0, Count).Select(i => new byte[i == 5 ? 15 : 16])];
        AeadJob[] aeadJobs = [.. Enumerable.Range(0, Count).Select(i => new AeadJob(ivs[i].AsMemory(0, 8), ivs[i].AsMemory(8, 8), sealedData[i], tags[i]))];
        Assert.Equal(Count - 1, aead.SealBurst(aeadJobs, results));
        Assert.Equal(CryptoStatus.InvalidLength, results[5]);
        for (int i = 0; i < Count; i++)
        {
            if (i == 5)
            {
                continue;
            }

            byte[] data = [.. plaintexts[i]];
            byte[] tag = new byte[16];
            Assert.Equal(CryptoStatus.Ok, aead.Seal(ivs[i].AsSpan(0, 8), ivs[i].AsSpan(8, 8), data, tag));
            Assert.Equal(data, sealedData[i]);
            Assert.Equal(tag, tags[i]);
        }

        tags[9][0] ^= 1;
        Assert.Equal(Count - 2, aead.OpenBurst(aeadJobs, results));
        Assert.Equal(CryptoStatus.AuthenticationFailed, results[9]);
        Assert.Equal(plaintexts[10], sealedData[10]);

        // Cipher: job 3 is not whole blocks.
        byte[][] encrypted = [.. plaintexts.Select(p => p.ToArray())];
        encrypted[3] = new byte[33];
        CipherJob[] cipherJobs = [.. Enumerable.Range(0, Count).Select(i => new CipherJob(ivs[i], encrypted[i]))];
        Assert.Equal(Count - 1, cbc.EncryptBurst(cipherJobs, results));
        Assert.Equal(CryptoStatus.InvalidLength, results[3]);
        Assert.Equal(new byte[33], encrypted[3]);
        for (int i = 0; i < Count; i += 7)
        {
            byte[] data = [.. plaintexts[i]];
            Assert.Equal(CryptoStatus.Ok, cbc.Encrypt(ivs[i], data));
            Assert.Equal(data, encrypted[i]);
        }

        Assert.Equal(Count - 1, cbc.DecryptBurst(cipherJobs, results));
        Assert.All(Enumerable.Range(0, Count).Where(i => i != 3), i => Assert.Equal(plaintexts[i], encrypted[i]));

        // Integrity with and without appended ESN bits, and an empty message (computed apart from the library's jobs).
        byte[] high = [0, 0, 0, 1];
        byte[][] icvs = [.. Enumerable.Range(0, Count).Select(_ => new byte[12])];
        IntegrityJob[] macJobs = [.. Enumerable.Range(0, Count).Select(i => new IntegrityJob(i == 0 ? default : plaintexts[i], i % 2 == 0 ? high : default, icvs[i]))];
        macJobs[1] = new IntegrityJob(default, default, icvs[1]);
        Assert.Equal(Count, sha1.ComputeBurst(macJobs, results));
        for (int i = 0; i < Count; i++)
        {
            byte[] icv = new byte[12];
            Assert.Equal(CryptoStatus.Ok, sha1.Compute(macJobs[i].Data.Span, macJobs[i].Appended.Span, icv));
            Assert.Equal(icv, icvs[i]);
        }

        icvs[40][11] ^= 0x80;
        Assert.Equal(Count - 1, sha1.VerifyBurst(macJobs, results));
        Assert.Equal(CryptoStatus.AuthenticationFailed, results[40]);
        Assert.Throws<ArgumentException>(() => sha1.VerifyBurst(macJobs, new CryptoStatus[Count - 1]));
    }

    [FactWhenIntelIpsecMb]
    public void One_key_serves_several_threads_at_once_and_disposal_waits_for_them()
    {
        AlgorithmInfo[] algorithms = [PortableKeys.Encryption("aes-gcm-16"), PortableKeys.Encryption("aes-ccm-16")];
        foreach (AlgorithmInfo algorithm in algorithms)
        {
            IAeadKey key = NativeKeys.Aead(NativeKeys.Native, algorithm, EspSuite.Key(algorithm.MaxKeyBits / 8, 3));
            byte[] plaintext = [.. Enumerable.Range(0, 1000).Select(i => (byte)i)];
            byte[] expected = [.. plaintext];
            byte[] expectedTag = new byte[16];
            Assert.Equal(CryptoStatus.Ok, key.Seal(Iv8, Iv8, expected, expectedTag));

            int mismatches = 0;
            Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            {
                byte[] data = [.. plaintext];
                byte[] tag = new byte[16];
                if (key.Seal(Iv8, Iv8, data, tag) != CryptoStatus.Ok || !data.AsSpan().SequenceEqual(expected) || !tag.AsSpan().SequenceEqual(expectedTag))
                {
                    Interlocked.Increment(ref mismatches);
                }
            });
            Assert.Equal(0, mismatches);

            // Dispose while calls run: each call either completes correctly or is refused, never runs on freed memory.
            int wrong = 0;
            using var start = new ManualResetEventSlim();
            Task[] workers = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                start.Wait();
                for (int i = 0; i < 2000; i++)
                {
                    byte[] data = [.. plaintext];
                    byte[] tag = new byte[16];
                    CryptoStatus status = key.Seal(Iv8, Iv8, data, tag);
                    if (status == CryptoStatus.Disposed)
                    {
                        return;
                    }

                    if (status != CryptoStatus.Ok || !tag.AsSpan().SequenceEqual(expectedTag))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            }))];
            start.Set();
            Thread.Sleep(5);
            key.Dispose();
            Task.WaitAll(workers);
            Assert.Equal(0, wrong);
            Assert.Equal(CryptoStatus.Disposed, key.Seal(Iv8, Iv8, new byte[4], new byte[16]));
        }
    }
}
