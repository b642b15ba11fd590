namespace Netipsec.Packets;

/// <summary>
/// What <see cref="IpReassembler.Add"/> did with a fragment. Whatever the status, the fragment handed in now belongs
/// to the reassembler (kept, copied and returned to its pool, or dropped). Every value from <see cref="Malformed"/>
/// on is a drop and is counted in <see cref="IpReassembler.Failures"/>.
/// </summary>
public enum ReassemblyStatus : byte
{
    /// <summary>The fragment's data is kept; its datagram still has holes or lacks its first or last fragment.</summary>
    Incomplete,

    /// <summary>The datagram is whole: the caller now owns the reassembled packet.</summary>
    Complete,

    /// <summary>
    /// Every byte of the fragment is held already, with the same value (a duplicate the network made): it is ignored,
    /// as RFC 5722 §4 (erratum 3089) allows, and the datagram carries on.
    /// </summary>
    Duplicate,

    /// <summary>Drop: not a valid IPv4 or IPv6 packet, or not a fragment. Only this packet is dropped.</summary>
    Malformed,

    /// <summary>
    /// Drop: a fragment other than the last whose data is empty or not a multiple of 8 bytes (RFC 791 §3.2,
    /// RFC 8200 §4.5). Only this fragment is dropped.
    /// </summary>
    BadLength,

    /// <summary>
    /// Drop: the reassembled datagram would exceed 65535 bytes (IPv4 total length, IPv6 payload length; RFC 8200 §4.5).
    /// Only this fragment is dropped, unless the excess shows only when the datagram completes, which drops the datagram.
    /// </summary>
    TooLarge,

    /// <summary>
    /// Drop: the fragment overlaps data already held without being a duplicate of it. The whole datagram is dropped
    /// (RFC 5722 §4 for IPv6; applied to IPv4 too, where RFC 791 would let the later data win).
    /// </summary>
    Overlap,

    /// <summary>
    /// Drop: fragments disagree about where the datagram ends (two different last fragments, or data beyond the last
    /// fragment's end). The whole datagram is dropped.
    /// </summary>
    InconsistentEnd,

    /// <summary>
    /// Drop: keeping the fragment would exceed the number of datagrams or the bytes the reassembler may hold
    /// (<see cref="ReassemblyOptions"/>). Only this fragment is dropped; datagrams already in progress are left alone.
    /// </summary>
    LimitReached,

    /// <summary>Drop: the fragment's pool had no packet left for the reassembly buffer. Only this fragment is dropped.</summary>
    NoBuffer,
}
