namespace Netipsec.Packets;

/// <summary>Rents the packets of a fragment train from the original packet's pool, all or none.</summary>
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
            if (!original.Pool.TryRent(out Packet? fragment))
            {
                for (int j = 0; j < i; j++)
                {
                    original.Pool.Return(fragments[j]);
                    fragments[j] = null!;
                }

                return false;
            }

            fragment.Direction = original.Direction;
            fragment.InterfaceIndex = original.InterfaceIndex;
            fragment.InterfaceName = original.InterfaceName;
            fragment.Mark = original.Mark;
            fragments[i] = fragment;
        }

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
