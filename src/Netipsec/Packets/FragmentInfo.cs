namespace Netipsec.Packets;

/// <summary>What a fragment header (IPv6, RFC 8200 §4.5) or the IPv4 flags/offset fields (RFC 791 §3.1) say.</summary>
/// <param name="Offset">Offset of this fragment's data in the original packet, in bytes (a multiple of 8).</param>
/// <param name="MoreFragments">The M / MF flag: further fragments follow.</param>
/// <param name="Identification">The identification shared by all fragments of one packet.</param>
public readonly record struct FragmentInfo(int Offset, bool MoreFragments, uint Identification)
{
    /// <summary>
    /// True for a fragment other than the first: its upper-layer header (and so its ports) is in another fragment,
    /// which RFC 4301 §4.4.1 calls OPAQUE.
    /// </summary>
    public bool IsNonFirst => Offset != 0;
}
