using System.Diagnostics.CodeAnalysis;

namespace Netipsec.Packets;

/// <summary>
/// Rents the packets of a fragment train (or a reassembly buffer) from the original packet's pool, all or none, with
/// the original's metadata.
/// </summary>
internal static class FragmentRental
{
    /// <summary>
    /// Fills <paramref name="fragments"/> with empty packets carrying <paramref name="original"/>'s direction,
    /// interface and mark; on exhaustion returns the ones rented and answers false.
    /// </summary>
    public static bool TryRentAll(Packet original, Span<Packet> fragments)
    {
        for (int i = 0; i < fragments.Length; i++)
        {
            if (!TryRentLike(original, out Packet? fragment))
            {
                for (int j = 0; j < i; j++)
                {
                    original.Pool.Return(fragments[j]);
                    fragments[j] = null!;
                }

                return false;
            }

            fragments[i] = fragment;
        }

        return true;
    }

    /// <summary>Rents one empty packet from <paramref name="original"/>'s pool carrying its direction, interface and mark.</summary>
    public static bool TryRentLike(Packet original, [NotNullWhen(true)] out Packet? packet)
    {
        if (!original.Pool.TryRent(out packet))
        {
            return false;
        }

        packet.Direction = original.Direction;
        packet.InterfaceIndex = original.InterfaceIndex;
        packet.InterfaceName = original.InterfaceName;
        packet.Mark = original.Mark;
        return true;
    }

    /// <summary>Makes <paramref name="fragment"/>'s data <paramref name="length"/> bytes long, network mark at its start.</summary>
    public static Span<byte> Fill(Packet fragment, int length)
    {
        fragment.EnsureTailroom(length);
        Span<byte> data = fragment.Put(length);
        fragment.SetNetworkHeader(0);
        return data;
    }
}
