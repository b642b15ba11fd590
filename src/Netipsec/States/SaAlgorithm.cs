using System.Globalization;
using System.Security.Cryptography;

namespace Netipsec.States;

/// <summary>
/// One algorithm of an SA as PF_KEY names it (sadb_sa_auth / sadb_sa_encrypt or an IPComp algorithm id) with its
/// key (sadb_key). The algorithm table that gives the ids meaning lives elsewhere; this only carries them.
/// </summary>
/// <remarks>
/// The instance owns a private copy of the key: the caller may wipe its own buffer after construction. The SAD
/// zeroes the copy when the SA dies (deleted, flushed or hard-expired). <see cref="ToString"/> never shows key bytes.
/// </remarks>
public sealed class SaAlgorithm
{
    private readonly byte[] _key;

    /// <summary>Creates an algorithm with its key; <paramref name="keyBits"/> defaults to every bit of the key.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="keyBits"/> does not fit the key: PF_KEY's sadb_key_bits must lie within its last byte.
    /// </exception>
    public SaAlgorithm(byte id, ReadOnlySpan<byte> key, int? keyBits = null)
    {
        int bits = keyBits ?? key.Length * 8;
        if (bits > key.Length * 8 || (key.Length > 0 && bits <= (key.Length - 1) * 8) || (key.Length == 0 && bits != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(keyBits), bits, "The key bits must lie within the key's last byte.");
        }

        Id = id;
        _key = key.ToArray();
        KeyBits = bits;
    }

    /// <summary>An algorithm without a key (IPComp, or ESP's NULL encryption).</summary>
    public static SaAlgorithm WithoutKey(byte id) => new(id, []);

    /// <summary>The PF_KEY algorithm number.</summary>
    public byte Id { get; }

    /// <summary>The key; all zeros once the owning SA died.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The key length in bits (sadb_key_bits).</summary>
    public int KeyBits { get; }

    /// <summary>True when both name the same algorithm with the same key; the keys are compared in constant time.</summary>
    public bool HasSameKey(SaAlgorithm other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && KeyBits == other.KeyBits && CryptographicOperations.FixedTimeEquals(_key, other._key);
    }

    internal void ZeroKey() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"alg {Id} ({KeyBits}-bit key)");
}
