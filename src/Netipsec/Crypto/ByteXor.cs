using System.Numerics;
using System.Runtime.InteropServices;

namespace Netipsec.Crypto;

/// <summary>XOR of byte spans, vectorised: applies a keystream (AES-CTR) or steers a CBC chaining value.</summary>
internal static class ByteXor
{
    /// <summary><paramref name="target"/>[i] ^= <paramref name="source"/>[i] for every i of <paramref name="target"/>.</summary>
    /// <remarks><paramref name="source"/> must be at least as long as <paramref name="target"/>.</remarks>
    public static void Apply(Span<byte> target, ReadOnlySpan<byte> source)
    {
        source = source[..target.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<byte>.Count)
        {
            Span<Vector<byte>> targetVectors = MemoryMarshal.Cast<byte, Vector<byte>>(target);
            ReadOnlySpan<Vector<byte>> sourceVectors = MemoryMarshal.Cast<byte, Vector<byte>>(source);
            for (int v = 0; v < targetVectors.Length; v++)
            {
                targetVectors[v] ^= sourceVectors[v];
            }

            i = targetVectors.Length * Vector<byte>.Count;
        }

        for (; i < target.Length; i++)
        {
            target[i] ^= source[i];
        }
    }
}
