using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// A per-key working array for primitives that take arrays or one contiguous input: grows to the largest packet seen
/// (so steady state allocates nothing) and is wiped whenever it is replaced or released.
/// </summary>
/// <remarks>Not thread-safe: owned by one key and used under its lock.</remarks>
internal sealed class ScratchBuffer
{
    // Grow in whole chunks so a stream of slightly growing packets does not reallocate each time.
    private const int Granularity = 2048;

    private byte[] _buffer = [];

    /// <summary>An array of at least <paramref name="length"/> bytes; its contents are unspecified.</summary>
    public byte[] Ensure(int length)
    {
        if (_buffer.Length < length)
        {
            CryptographicOperations.ZeroMemory(_buffer);
            _buffer = new byte[(length + Granularity - 1) / Granularity * Granularity];
        }

        return _buffer;
    }

    /// <summary>Zeroes the first <paramref name="length"/> bytes (what the last operation left there).</summary>
    public void Clear(int length) => CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, length));

    /// <summary>Zeroes the array and drops it.</summary>
    public void Release()
    {
        CryptographicOperations.ZeroMemory(_buffer);
        _buffer = [];
    }
}
