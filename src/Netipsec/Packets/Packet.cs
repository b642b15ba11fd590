using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Netipsec.States;

namespace Netipsec.Packets;

/// <summary>
/// One packet in flight (Linux's sk_buff, FreeBSD's mbuf): a pooled buffer whose data sits between headroom and
/// tailroom, so headers are pushed in front and trailers appended behind without copying the payload, plus the
/// per-packet metadata the IPsec paths need.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: a packet is rented from a <see cref="PacketPool"/> and belongs to whoever holds it until it is passed on or
/// returned with <see cref="PacketPool.Return"/>; after that every member throws <see cref="ObjectDisposedException"/>.
/// Not thread-safe. Spans handed out (<see cref="Data"/>, the results of <see cref="Push"/> ...) stay valid only until
/// the next call that can move the data (<see cref="MakeSpace"/>, <see cref="StripHeader"/>, <see cref="CopyBack"/>,
/// <c>Ensure*</c>) or the return of the packet.
/// </para>
/// <para>
/// The network and transport header marks are positions in the buffer, not in the data, so they stay valid across
/// <see cref="Push"/> and <see cref="Pull"/> (a pulled header is still readable through its mark). Operations that move
/// bytes move the marks with them: a mark keeps pointing at the same byte.
/// </para>
/// <para>Out-of-range arguments are programmer errors and throw <see cref="ArgumentOutOfRangeException"/>; the
/// <c>Try*</c> variants return false instead, for parsers that check lengths taken from the packet.</para>
/// </remarks>
public sealed class Packet
{
    private const int Unset = -1;

    private readonly byte[] _ownBuffer;
    private byte[] _buffer;
    private int _start;
    private int _length;
    private int _networkHeader = Unset;
    private int _transportHeader = Unset;
    private SecPath _secPath;

    // 1 while rented, 0 while in the pool; swapped atomically so a double return is caught even across threads.
    private int _rented;

    internal Packet(PacketPool pool, byte[] buffer, int headroom, int poolIndex)
    {
        Pool = pool;
        PoolIndex = poolIndex;
        _ownBuffer = buffer;
        _buffer = buffer;
        _start = headroom;
    }

    /// <summary>The pool this packet came from and must go back to.</summary>
    public PacketPool Pool { get; }

    /// <summary>The packet's bytes, from the current head to the tail.</summary>
    public Span<byte> Data
    {
        get
        {
            ThrowIfReturned();
            return _buffer.AsSpan(_start, _length);
        }
    }

    /// <summary>Number of bytes in <see cref="Data"/>.</summary>
    public int Length => _length;

    /// <summary>Free bytes in front of the data, available to <see cref="Push"/>.</summary>
    public int Headroom => _start;

    /// <summary>Free bytes behind the data, available to <see cref="Put"/>.</summary>
    public int Tailroom => _buffer.Length - _start - _length;

    /// <summary>Size of the underlying buffer (headroom + data + tailroom).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Whether the packet is arriving or leaving.</summary>
    public PacketDirection Direction { get; set; }

    /// <summary>Index of the interface the packet arrived on or leaves through (0: none).</summary>
    public int InterfaceIndex { get; set; }

    /// <summary>Name of that interface, when known.</summary>
    public string? InterfaceName { get; set; }

    /// <summary>The firewall mark (Linux skb->mark), matched by SA and policy marks.</summary>
    public uint Mark { get; set; }

    /// <summary>The SAs that processed the packet on input, by reference so it can be added to in place.</summary>
    public ref SecPath SecPath => ref _secPath;

    /// <summary>The divert tag a packet filter attached, or an absent <c>default</c>.</summary>
    public DivertTag DivertTag { get; set; }

    /// <summary>Where the packet stands with a crypto offload device.</summary>
    public OffloadState Offload { get; set; }

    /// <summary>
    /// The protocol an IPsec header or trailer names as what it carries: on output the mode sets it (the original
    /// upper layer in transport mode, IPv4/IPv6 in tunnel mode) for the transform to store; on input the transform
    /// sets it from the trailer for the mode to restore.
    /// </summary>
    public IpProtocol InnerProtocol { get; set; }

    /// <summary>
    /// Offset, from the network header, of the byte that names the protocol after the IP headers: 9 for IPv4; for
    /// IPv6 the fixed header's next header (6) or that of the last extension header before the IPsec header.
    /// Relative to the network header so it survives moves of the whole header block.
    /// </summary>
    public int NextHeaderFieldOffset { get; set; }

    /// <summary>
    /// On output, the longest payload the SA being applied may produce and still have the bundle's result fit the
    /// path MTU (Linux's xfrm_state_mtu of the child MTU), set by the Tx path for SAs that pad; 0 when unknown.
    /// ESP's TFC padding never pads beyond it.
    /// </summary>
    internal int OutputPayloadLimit { get; set; }

    /// <summary>True when a network header mark is set.</summary>
    public bool HasNetworkHeader => _networkHeader != Unset;

    /// <summary>True when a transport header mark is set.</summary>
    public bool HasTransportHeader => _transportHeader != Unset;

    /// <summary>Offset of the network header from the start of <see cref="Data"/>; negative once it has been pulled.</summary>
    /// <exception cref="InvalidOperationException">No network header mark is set.</exception>
    public int NetworkOffset => RequireMark(_networkHeader) - _start;

    /// <summary>Offset of the transport header from the start of <see cref="Data"/>; negative once it has been pulled.</summary>
    /// <exception cref="InvalidOperationException">No transport header mark is set.</exception>
    public int TransportOffset => RequireMark(_transportHeader) - _start;

    /// <summary>This packet's slot in its pool.</summary>
    internal int PoolIndex { get; }

    /// <summary>The bytes from the network header mark to the end of the data (empty if trimmed away).</summary>
    /// <exception cref="InvalidOperationException">No network header mark is set.</exception>
    public Span<byte> NetworkHeader => FromMark(_networkHeader);

    /// <summary>The bytes from the transport header mark to the end of the data (empty if trimmed away).</summary>
    /// <exception cref="InvalidOperationException">No transport header mark is set.</exception>
    public Span<byte> TransportHeader => FromMark(_transportHeader);

    /// <summary>Position of the network header mark in the buffer, or -1.</summary>
    internal int NetworkHeaderPosition => _networkHeader;

    /// <summary>Position of the transport header mark in the buffer, or -1.</summary>
    internal int TransportHeaderPosition => _transportHeader;

    internal bool IsRented => Volatile.Read(ref _rented) == 1;

    /// <summary>Where the packet was rented (diagnostic pools only).</summary>
    internal string? RentSite { get; set; }

    /// <summary>Where the packet was last returned (diagnostic pools only).</summary>
    internal string? ReturnSite { get; set; }

    /// <summary>Marks the network header at <paramref name="offset"/> bytes from the start of the data.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset lies outside the buffer's headroom and data.</exception>
    public void SetNetworkHeader(int offset) => _networkHeader = MarkAt(offset);

    /// <summary>Marks the transport header at <paramref name="offset"/> bytes from the start of the data.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset lies outside the buffer's headroom and data.</exception>
    public void SetTransportHeader(int offset) => _transportHeader = MarkAt(offset);

    /// <summary>Extends the data by <paramref name="count"/> bytes at the front (skb_push) and returns them to be written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds <see cref="Headroom"/>.</exception>
    public Span<byte> Push(int count)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _start);
        _start -= count;
        _length += count;
        return _buffer.AsSpan(_start, count);
    }

    /// <summary>Removes <paramref name="count"/> bytes from the front of the data (skb_pull); they stay in the headroom.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds <see cref="Length"/>.</exception>
    public void Pull(int count)
    {
        if (!TryPull(count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Cannot pull more bytes than the packet holds.");
        }
    }

    /// <summary>Like <see cref="Pull"/>, but returns false and changes nothing when <paramref name="count"/> is out of range.</summary>
    public bool TryPull(int count)
    {
        ThrowIfReturned();
        if ((uint)count > (uint)_length)
        {
            return false;
        }

        _start += count;
        _length -= count;
        return true;
    }

    /// <summary>Extends the data by <paramref name="count"/> bytes at the tail (skb_put) and returns them to be written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds <see cref="Tailroom"/>.</exception>
    public Span<byte> Put(int count)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Tailroom);
        int tail = _start + _length;
        _length += count;
        return _buffer.AsSpan(tail, count);
    }

    /// <summary>Cuts the data down to <paramref name="newLength"/> bytes (skb_trim), dropping bytes at the tail.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newLength"/> is negative or above <see cref="Length"/>.</exception>
    public void Trim(int newLength)
    {
        if (!TryTrim(newLength))
        {
            throw new ArgumentOutOfRangeException(nameof(newLength), newLength, "A packet can only be trimmed to a length between 0 and its length.");
        }
    }

    /// <summary>Like <see cref="Trim"/>, but returns false and changes nothing when <paramref name="newLength"/> is out of range.</summary>
    public bool TryTrim(int newLength)
    {
        ThrowIfReturned();
        if ((uint)newLength > (uint)_length)
        {
            return false;
        }

        _length = newLength;
        return true;
    }

    /// <summary>
    /// Opens a gap of <paramref name="count"/> bytes at <paramref name="offset"/> in the data (FreeBSD's m_makespace),
    /// moving whichever side of the gap is shorter into the head- or tailroom, growing the buffer if neither has room.
    /// Returns the gap, whose contents are unspecified: the caller writes all of it (an ESP or AH header, typically).
    /// </summary>
    /// <remarks>
    /// A mark keeps pointing at its byte; a mark at <paramref name="offset"/> ends up just behind the gap. When the front
    /// moves, it may overwrite bytes already pulled into the headroom.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The offset lies outside the data, or the count is negative.</exception>
    public Span<byte> MakeSpace(int offset, int count)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int front = offset;
        int back = _length - offset;
        bool moveFront = front <= back ? _start >= count || Tailroom < count : Tailroom < count && _start >= count;
        if (moveFront)
        {
            EnsureHeadroom(count);
            int oldStart = _start;
            _buffer.AsSpan(oldStart, front).CopyTo(_buffer.AsSpan(oldStart - count));
            ShiftMarks(oldStart, oldStart + front - 1, -count);
            _start = oldStart - count;
        }
        else
        {
            EnsureTailroom(count);
            int gap = _start + offset;
            _buffer.AsSpan(gap, back).CopyTo(_buffer.AsSpan(gap + count));

            // A mark at the gap (or at the end) keeps pointing at the byte that was there, now behind the gap.
            ShiftMarks(gap, _start + _length, count);
        }

        _length += count;
        return _buffer.AsSpan(_start + offset, count);
    }

    /// <summary>
    /// Removes <paramref name="count"/> bytes at <paramref name="offset"/> from the middle of the data (FreeBSD's
    /// m_striphdr), moving whichever side is shorter. A mark inside the removed bytes moves to the first byte after them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the data.</exception>
    public void StripHeader(int offset, int count)
    {
        if (!TryStripHeader(offset, count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The bytes to strip must lie inside the data.");
        }
    }

    /// <summary>Like <see cref="StripHeader"/>, but returns false and changes nothing when the range is out of the data.</summary>
    public bool TryStripHeader(int offset, int count)
    {
        ThrowIfReturned();
        if (offset < 0 || count < 0 || offset > _length || count > _length - offset)
        {
            return false;
        }

        int removed = _start + offset;
        int after = removed + count;
        int back = _length - offset - count;
        if (offset <= back)
        {
            _buffer.AsSpan(_start, offset).CopyTo(_buffer.AsSpan(_start + count));
            CollapseMarks(removed, after, after);
            ShiftMarks(_start, removed - 1, count);
            _start += count;
        }
        else
        {
            _buffer.AsSpan(after, back).CopyTo(_buffer.AsSpan(removed));
            CollapseMarks(removed, after, after);
            ShiftMarks(after, _start + _length, -count);
        }

        _length -= count;
        return true;
    }

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/> in the data (FreeBSD's m_copyback), extending the
    /// tail, and growing the buffer if needed, when it runs past the end.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative or beyond the end of the data.</exception>
    public void CopyBack(int offset, ReadOnlySpan<byte> source)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _length);
        int end = offset + source.Length;
        if (end > _length)
        {
            EnsureTailroom(end - _length);
            _length = end;
        }

        source.CopyTo(_buffer.AsSpan(_start + offset));
    }

    /// <summary>Makes sure at least <paramref name="headroom"/> bytes are free in front, keeping data and marks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The request is negative or the buffer would exceed <see cref="PacketPool.MaxBufferSize"/>.</exception>
    public void EnsureHeadroom(int headroom) => EnsureRoom(headroom, 0);

    /// <summary>Makes sure at least <paramref name="tailroom"/> bytes are free behind, keeping data and marks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The request is negative or the buffer would exceed <see cref="PacketPool.MaxBufferSize"/>.</exception>
    public void EnsureTailroom(int tailroom) => EnsureRoom(0, tailroom);

    /// <summary>
    /// Makes sure at least <paramref name="headroom"/> bytes are free in front and <paramref name="tailroom"/> behind
    /// (Linux's pskb_expand_head). Moves the data inside the buffer when that is enough, otherwise moves it to a larger
    /// buffer from the pool. Bytes already pulled but still marked as a header are kept with the data.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A request is negative or the buffer would exceed <see cref="PacketPool.MaxBufferSize"/>.</exception>
    public void EnsureRoom(int headroom, int tailroom)
    {
        if (!TryEnsureRoom(headroom, tailroom))
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), "The packet would outgrow the pool's largest buffer.");
        }
    }

    /// <summary>
    /// Like <see cref="EnsureRoom"/>, for the data path: false, changing nothing, when the room would need a buffer
    /// larger than <see cref="PacketPool.MaxBufferSize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A request is negative.</exception>
    public bool TryEnsureRoom(int headroom, int tailroom)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfNegative(tailroom);
        return (_start >= headroom && Tailroom >= tailroom) || TryMakeRoom(headroom, tailroom);
    }

    // Out of line: the data path almost always has room already, and inlined this would bloat every caller.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryMakeRoom(int headroom, int tailroom)
    {
        int kept = _start - LowestKeptPosition();
        int lowest = Math.Max(headroom, kept);
        int highest = _buffer.Length - _length - tailroom;
        if (lowest <= highest)
        {
            // Enough free space in this buffer: slide the data as little as possible.
            Relocate(_buffer, Math.Clamp(_start, lowest, highest), kept);
            return true;
        }

        long size = (long)Math.Max(headroom, _start) + _length + Math.Max(tailroom, Tailroom);
        if (size > PacketPool.MaxBufferSize)
        {
            return false;
        }

        byte[] old = _buffer;
        byte[] larger = Pool.RentLargeBuffer((int)size);
        Relocate(larger, Math.Max(headroom, _start), kept);
        if (!ReferenceEquals(old, _ownBuffer))
        {
            Pool.ReturnLargeBuffer(old);
        }

        return true;
    }

    /// <summary>Clears data, marks and metadata for the next renter; gives back a grown buffer.</summary>
    internal byte[]? Reset(int headroom)
    {
        byte[]? grown = ReferenceEquals(_buffer, _ownBuffer) ? null : _buffer;
        _buffer = _ownBuffer;
        _start = headroom;
        _length = 0;
        _networkHeader = Unset;
        _transportHeader = Unset;
        ResetMetadata();
        return grown;
    }

    /// <summary>
    /// Forgets everything the stack attached to the packet (secpath, marks, interface, divert tag, offload state),
    /// keeping the bytes: what happens when a packet leaves one host for another, since a wire carries only bytes.
    /// </summary>
    public void ResetMetadata()
    {
        _secPath.Clear();
        Direction = default;
        InterfaceIndex = 0;
        InterfaceName = null;
        Mark = 0;
        DivertTag = default;
        Offload = OffloadState.None;
        InnerProtocol = default;
        NextHeaderFieldOffset = 0;
        OutputPayloadLimit = 0;
    }

    /// <summary>Overwrites the packet's own buffer so a use after return reads obvious garbage (diagnostic pools).</summary>
    internal void Poison() => _ownBuffer.AsSpan().Fill(0xDD);

    /// <summary>Marks a packet the pool just took off its free stack, which no other thread can reach, as rented.</summary>
    internal void MarkRented() => Volatile.Write(ref _rented, 1);

    internal bool TryMarkReturned() => Interlocked.Exchange(ref _rented, 0) == 1;

    // Every accessor checks this, so the throw stays out of line: inlined, the exception's construction made the data
    // path's methods several kilobytes larger, more than the instruction cache holds for one packet's path.
    private void ThrowIfReturned()
    {
        if (_rented == 0)
        {
            ThrowReturned();
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReturned() => throw new ObjectDisposedException(GetType().FullName);

    private int RequireMark(int mark)
    {
        ThrowIfReturned();
        if (mark == Unset)
        {
            ThrowMarkNotSet();
        }

        return mark;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMarkNotSet() => throw new InvalidOperationException("The header mark is not set.");

    private Span<byte> FromMark(int mark)
    {
        int position = RequireMark(mark);
        int end = _start + _length;
        return position < end ? _buffer.AsSpan(position, end - position) : [];
    }

    private int MarkAt(int offset)
    {
        ThrowIfReturned();
        ArgumentOutOfRangeException.ThrowIfLessThan(offset, -_start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _length);
        return _start + offset;
    }

    /// <summary>The first buffer position that must survive a move: the data start or an earlier header mark.</summary>
    private int LowestKeptPosition()
    {
        int lowest = _start;
        if (_networkHeader != Unset && _networkHeader < lowest)
        {
            lowest = _networkHeader;
        }

        if (_transportHeader != Unset && _transportHeader < lowest)
        {
            lowest = _transportHeader;
        }

        return lowest;
    }

    /// <summary>Copies the kept bytes and the data to <paramref name="newStart"/> in <paramref name="target"/>, marks included.</summary>
    private void Relocate(byte[] target, int newStart, int kept)
    {
        int delta = newStart - _start;
        _buffer.AsSpan(_start - kept, kept + _length).CopyTo(target.AsSpan(newStart - kept));
        _buffer = target;
        _start = newStart;
        if (_networkHeader != Unset)
        {
            _networkHeader += delta;
        }

        if (_transportHeader != Unset)
        {
            _transportHeader += delta;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to each mark in the inclusive range [first, last].</summary>
    private void ShiftMarks(int first, int last, int delta)
    {
        if (_networkHeader >= first && _networkHeader <= last)
        {
            _networkHeader += delta;
        }

        if (_transportHeader >= first && _transportHeader <= last)
        {
            _transportHeader += delta;
        }
    }

    /// <summary>Moves each mark in [from, to) to <paramref name="target"/>, before the surrounding bytes move.</summary>
    private void CollapseMarks(int from, int to, int target)
    {
        if (_networkHeader >= from && _networkHeader < to)
        {
            _networkHeader = target;
        }

        if (_transportHeader >= from && _transportHeader < to)
        {
            _transportHeader = target;
        }
    }
}
