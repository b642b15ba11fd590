using System.Diagnostics;
using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// CBC with an explicit per-packet IV (AES RFC 3602, 3DES RFC 2451, DES RFC 2405) on .NET's CBC transforms, created
/// once per SA so no packet pays for a key schedule (Aes.EncryptCbc would set one up, and allocate, on every call).
/// </summary>
/// <remarks>
/// A transform's IV is fixed when it is created, but it keeps chaining across calls, so each call first steers the
/// chaining value to the packet's IV with one extra block:
/// <list type="bullet">
/// <item>Decrypt: feed IV || ciphertext. Plaintext block i depends only on ciphertext blocks i and i - 1, so every
/// block after the first is the packet's plaintext; the first output is discarded.</item>
/// <item>Encrypt: the encryptor outputs E(x ^ chain) for block x, so x = D(IV) ^ chain (one ECB decryption) outputs
/// IV and leaves IV as the chaining value the packet's first block is XORed with. The last ciphertext block is kept as
/// the next chain.</item>
/// </list>
/// Transforms take arrays, so the packet goes through a per-key scratch array, wiped after each call.
/// </remarks>
internal sealed class PortableCbcKey : PortableCipherKey
{
    private readonly ICryptoTransform _encryptor;
    private readonly ICryptoTransform _decryptor;
    private readonly ICryptoTransform _blockDecryptor; // ECB: D(IV) for steering the encryptor
    private readonly byte[] _encryptorChain; // the encryptor's current chaining value: its last output block
    private readonly ScratchBuffer _scratch = new();

    private PortableCbcKey(AlgorithmInfo algorithm, ICryptoTransform encryptor, ICryptoTransform decryptor, ICryptoTransform blockDecryptor)
        : base(algorithm)
    {
        _encryptor = encryptor;
        _decryptor = decryptor;
        _blockDecryptor = blockDecryptor;
        _encryptorChain = new byte[algorithm.BlockSize]; // the zero IV the encryptor was created with
    }

    /// <summary>
    /// Prepares the three transforms; <see cref="KeyCreateStatus.RejectedKey"/> when the primitive refuses the key
    /// (DES weak and semi-weak keys, 3DES keys whose thirds repeat).
    /// </summary>
    public static KeyCreateStatus TryCreate(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, out PortableCbcKey? created)
    {
        created = null;
        // CreateEncryptor refuses DES weak keys itself but takes a 3DES key whose thirds repeat (single DES strength).
        if (algorithm.Primitive == CryptoPrimitive.TripleDesCbc && IsDegenerateTripleDesKey(key))
        {
            return KeyCreateStatus.RejectedKey;
        }

        byte[] keyCopy = key.ToArray();
        byte[] zeroIv = new byte[algorithm.BlockSize];
        using SymmetricAlgorithm cipher = CreateAlgorithm(algorithm.Primitive);
        ICryptoTransform? encryptor = null;
        ICryptoTransform? decryptor = null;
        try
        {
            cipher.Padding = PaddingMode.None;
            cipher.Mode = CipherMode.CBC;
            encryptor = cipher.CreateEncryptor(keyCopy, zeroIv);
            decryptor = cipher.CreateDecryptor(keyCopy, zeroIv);
            cipher.Mode = CipherMode.ECB;
            ICryptoTransform blockDecryptor = cipher.CreateDecryptor(keyCopy, zeroIv);
            created = new PortableCbcKey(algorithm, encryptor, decryptor, blockDecryptor);
            return KeyCreateStatus.Created;
        }
        catch (CryptographicException)
        {
            encryptor?.Dispose();
            decryptor?.Dispose();
            return KeyCreateStatus.RejectedKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyCopy);
        }
    }

    private protected override void EncryptCore(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int blockSize = iv.Length;
        int length = blockSize + data.Length;
        byte[] buffer = _scratch.Ensure(length);
        iv.CopyTo(buffer);
        _blockDecryptor.TransformBlock(buffer, 0, blockSize, buffer, 0);
        ByteXor.Apply(buffer.AsSpan(0, blockSize), _encryptorChain);
        data.CopyTo(buffer.AsSpan(blockSize));
        int written = _encryptor.TransformBlock(buffer, 0, length, buffer, 0);
        Debug.Assert(written == length && buffer.AsSpan(0, blockSize).SequenceEqual(iv), "the steering block must come out as the IV");
        buffer.AsSpan(blockSize, data.Length).CopyTo(data);
        buffer.AsSpan(length - blockSize, blockSize).CopyTo(_encryptorChain);
        _scratch.Clear(length);
    }

    private protected override void DecryptCore(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int blockSize = iv.Length;
        int length = blockSize + data.Length;
        byte[] buffer = _scratch.Ensure(length);
        iv.CopyTo(buffer);
        data.CopyTo(buffer.AsSpan(blockSize));
        int written = _decryptor.TransformBlock(buffer, 0, length, buffer, 0);
        Debug.Assert(written == length, "PaddingMode.None decryption holds no block back");
        buffer.AsSpan(blockSize, data.Length).CopyTo(data);
        _scratch.Clear(length);
    }

    private protected override void ReleaseKey()
    {
        _encryptor.Dispose();
        _decryptor.Dispose();
        _blockDecryptor.Dispose();
        CryptographicOperations.ZeroMemory(_encryptorChain);
        _scratch.Release();
    }

#pragma warning disable CA5350, CA5351 // 3DES and DES: legacy table rows, kept for old peers and old captures (RFC 2451, RFC 2405).
    private static SymmetricAlgorithm CreateAlgorithm(CryptoPrimitive primitive) => primitive switch
    {
        CryptoPrimitive.AesCbc => Aes.Create(),
        CryptoPrimitive.TripleDesCbc => TripleDES.Create(),
        _ => DES.Create(),
    };

    private static bool IsDegenerateTripleDesKey(ReadOnlySpan<byte> key)
    {
        byte[] copy = key.ToArray();
        bool degenerate = TripleDES.IsWeakKey(copy);
        CryptographicOperations.ZeroMemory(copy);
        return degenerate;
    }
#pragma warning restore CA5350, CA5351
}
