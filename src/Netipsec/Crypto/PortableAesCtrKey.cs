using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// AES-CTR for ESP (RFC 3686): keystream = AES(nonce || IV || counter) with the 32-bit counter starting at 1 for each
/// packet (RFC 3686 §4), produced by one AES-ECB transform created once per SA over a block of counters.
/// </summary>
internal sealed class PortableAesCtrKey : PortableCipherKey
{
    private const int AesBlock = 16;
    private const int NonceLength = 4;
    private const int IvOffset = NonceLength;
    private const int CounterOffset = 12;

    private readonly ICryptoTransform _blockEncryptor;
    private readonly byte[] _nonce;
    private readonly ScratchBuffer _keystream = new();

    public PortableAesCtrKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
        : base(algorithm)
    {
        byte[] keyCopy = key.ToArray();
        using (Aes aes = Aes.Create())
        {
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            _blockEncryptor = aes.CreateEncryptor(keyCopy, new byte[AesBlock]);
        }

        CryptographicOperations.ZeroMemory(keyCopy);
        _nonce = nonce.ToArray();
    }

    private protected override void EncryptCore(ReadOnlySpan<byte> iv, Span<byte> data) => ApplyKeystream(iv, data);

    // Counter mode is its own inverse.
    private protected override void DecryptCore(ReadOnlySpan<byte> iv, Span<byte> data) => ApplyKeystream(iv, data);

    private protected override void ReleaseKey()
    {
        _blockEncryptor.Dispose();
        CryptographicOperations.ZeroMemory(_nonce);
        _keystream.Release();
    }

    private void ApplyKeystream(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int blocks = (data.Length + AesBlock - 1) / AesBlock;
        int length = blocks * AesBlock;
        byte[] buffer = _keystream.Ensure(length);
        for (int i = 0; i < blocks; i++)
        {
            Span<byte> counterBlock = buffer.AsSpan(i * AesBlock, AesBlock);
            _nonce.CopyTo(counterBlock);
            iv.CopyTo(counterBlock[IvOffset..]);
            BinaryPrimitives.WriteUInt32BigEndian(counterBlock[CounterOffset..], (uint)(i + 1));
        }

        _blockEncryptor.TransformBlock(buffer, 0, length, buffer, 0);
        ByteXor.Apply(data, buffer);
        _keystream.Clear(length);
    }
}
