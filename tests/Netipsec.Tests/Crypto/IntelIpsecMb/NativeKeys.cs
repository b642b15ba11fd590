using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>Creates keys on either engine by table row, failing the test when the engine refuses.</summary>
internal static class NativeKeys
{
    public static ICryptoEngine Native => IntelIpsecMbEngine.Instance;

    public static ICryptoEngine Portable => PortableCryptoEngine.Instance;

    /// <summary>The rows of <paramref name="kind"/> both engines run (for differential tests).</summary>
    public static TheoryData<string> BothSupport(AlgorithmKind kind)
    {
        var names = new TheoryData<string>();
        foreach (AlgorithmInfo row in AlgorithmTable.All)
        {
            bool fits = kind == AlgorithmKind.Integrity ? row.Kind == kind && !row.UsesAeadKey : kind == AlgorithmKind.Aead ? row.UsesAeadKey : row.Kind == kind;
            if (fits && Native.Supports(row) && Portable.Supports(row))
            {
                names.Add(Id(row));
            }
        }

        return names;
    }

    /// <summary>A row's name unique across spaces: aes-gmac is both ESP encryption and AH authentication.</summary>
    public static string Id(AlgorithmInfo row) => $"{row.Space}:{row.Name}";

    public static AlgorithmInfo Row(string id)
    {
        string[] parts = id.Split(':');
        return AlgorithmTable.TryGetByName(Enum.Parse<PfKeyAlgorithmSpace>(parts[0]), parts[1], out AlgorithmInfo? row) ? row : throw new ArgumentException(id);
    }

    public static IAeadKey Aead(ICryptoEngine engine, AlgorithmInfo algorithm, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, engine.CreateAeadKey(algorithm, keyMaterial, out IAeadKey? key));
        Assert.Equal(engine.Name, key!.EngineName);
        return key;
    }

    public static ICipherKey Cipher(ICryptoEngine engine, AlgorithmInfo algorithm, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, engine.CreateCipherKey(algorithm, keyMaterial, out ICipherKey? key));
        Assert.Equal(engine.Name, key!.EngineName);
        return key;
    }

    public static IIntegrityKey Integrity(ICryptoEngine engine, AlgorithmInfo algorithm, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, engine.CreateIntegrityKey(algorithm, keyMaterial, out IIntegrityKey? key));
        Assert.Equal(engine.Name, key!.EngineName);
        return key;
    }

    /// <summary>Every valid key-material length of <paramref name="algorithm"/> in bytes (salt included).</summary>
    public static int[] KeyLengths(AlgorithmInfo algorithm) =>
        [.. Enumerable.Range(algorithm.MinKeyBits / 8, (algorithm.MaxKeyBits - algorithm.MinKeyBits) / 8 + 1).Where(algorithm.IsValidKeyLength)];

    /// <summary>Random key material of a valid length the native engine takes (AES-CCM: not 192-bit), no repeated 3DES thirds.</summary>
    public static byte[] RandomKeyMaterial(AlgorithmInfo algorithm, Random random)
    {
        int[] lengths = [.. KeyLengths(algorithm).Where(length => algorithm.Primitive != CryptoPrimitive.AesCcm || length - 3 != 24)];
        byte[] key = new byte[lengths[random.Next(lengths.Length)]];
        do
        {
            random.NextBytes(key);
        }
        while (algorithm.Primitive == CryptoPrimitive.TripleDesCbc && (key.AsSpan(0, 8).SequenceEqual(key.AsSpan(8, 8)) || key.AsSpan(8, 8).SequenceEqual(key.AsSpan(16, 8))));

        return key;
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
