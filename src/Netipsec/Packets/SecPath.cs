using Netipsec.States;

namespace Netipsec.Packets;

/// <summary>
/// The security associations that processed a packet on input, outermost first (Linux's sec_path): the inbound policy
/// check compares them with the templates of the matching policy.
/// </summary>
/// <remarks>
/// A mutable value kept inline in <see cref="Packet"/>; reach it through <see cref="Packet.SecPath"/>, which returns it
/// by reference. Not thread-safe: it belongs to whoever holds the packet.
/// </remarks>
public struct SecPath
{
    /// <summary>At most this many transforms nest on one packet (Linux's XFRM_MAX_DEPTH).</summary>
    public const int MaxDepth = 6;

    private SecPathEntries _entries;
    private int _count;

    /// <summary>Number of SAs recorded, 0 to <see cref="MaxDepth"/>.</summary>
    public readonly int Count => _count;

    /// <summary>True when <see cref="MaxDepth"/> SAs are recorded and <see cref="TryAdd"/> would fail.</summary>
    public readonly bool IsFull => _count == MaxDepth;

    /// <summary>The SA at <paramref name="index"/>, 0 being the first one applied on input (the outermost).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public readonly SecurityAssociation this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
            return _entries[index]!;
        }
    }

    /// <summary>Records one more SA; false (and nothing recorded) when <see cref="MaxDepth"/> is reached.</summary>
    public bool TryAdd(SecurityAssociation association)
    {
        ArgumentNullException.ThrowIfNull(association);
        if (_count == MaxDepth)
        {
            return false;
        }

        _entries[_count++] = association;
        return true;
    }

    /// <summary>Forgets every SA, dropping the references so a pooled packet does not keep dead SAs alive.</summary>
    public void Clear()
    {
        for (int i = 0; i < _count; i++)
        {
            _entries[i] = null;
        }

        _count = 0;
    }
}
