using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// Reassembles IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragments into whole datagrams, as an IP layer does before
/// handing packets to IPsec. Each fragment's data is copied, as it comes, into one pooled packet per datagram, at its
/// offset after the first fragment's unfragmentable part; a map of 8-byte blocks records what has arrived.
/// </summary>
/// <remarks>
/// <para>
/// Rules: overlapping fragments drop the whole datagram (RFC 5722 §4; done for IPv4 as well, although RFC 791 would
/// let later data overwrite earlier, because overlaps are how fragments smuggle data past inspection), except a
/// fragment whose bytes are all held already with the same values, which is ignored as a duplicate. A fragment other
/// than the last must carry a multiple of 8 bytes; a datagram may not grow beyond 65535 bytes (total length for IPv4,
/// payload length for IPv6); all fragments must agree on where it ends. An IPv6 atomic fragment (offset 0, M clear) is
/// completed on its own, whatever else is in progress (RFC 6946 §4).
/// </para>
/// <para>
/// Bounded: at most <see cref="ReassemblyOptions.MaxDatagrams"/> datagrams and <see cref="ReassemblyOptions.MaxBytes"/>
/// bytes in progress; beyond that new fragments are dropped (as Linux does above ipfrag_high_thresh) rather than
/// evicting datagrams already under way. A datagram not complete within its family's timeout, counted from its first
/// fragment, is purged by <see cref="Purge"/> or lazily by the next <see cref="Add"/>.
/// </para>
/// <para>
/// Thread-safe (one lock). The reassembled datagram comes from the pool of the fragment that started it and carries that
/// fragment's direction, interface and mark. Steady state allocates nothing: entries and their block maps are reused.
/// </para>
/// </remarks>
public sealed class IpReassembler
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ReassemblyOptions _options;
    private readonly long _ipv4Timeout;
    private readonly long _ipv6Timeout;
    private readonly Dictionary<ReassemblyKey, ReassemblyEntry> _entries = [];
    private readonly Stack<ReassemblyEntry> _spares = new();
    private readonly ReassemblyQueue _ipv4Queue = new();
    private readonly ReassemblyQueue _ipv6Queue = new();
    private long _bytesHeld;
    private long _completed;
    private long _failures;
    private long _timeouts;

    /// <param name="time">The clock timeouts are measured with.</param>
    /// <param name="options">Limits and timeouts; null takes the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit or timeout is zero or negative.</exception>
    public IpReassembler(TimeProvider time, ReassemblyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new ReassemblyOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxDatagrams, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Ipv4Timeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Ipv6Timeout, TimeSpan.Zero, nameof(options));
        _time = time;
        _ipv4Timeout = ToTimestampTicks(_options.Ipv4Timeout);
        _ipv6Timeout = ToTimestampTicks(_options.Ipv6Timeout);
    }

    /// <summary>Datagrams in progress.</summary>
    public int InProgress
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Bytes the datagrams in progress occupy, as <see cref="ReassemblyOptions.MaxBytes"/> counts them.</summary>
    public long BytesHeld => Interlocked.Read(ref _bytesHeld);

    /// <summary>Datagrams completed (atomic fragments included).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Fragments dropped: every <see cref="Add"/> that returned a drop status.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Datagrams purged because they did not complete in time.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>
    /// Takes one fragment, whose data starts with its IP header. Never throws for anything the packet contains.
    /// </summary>
    /// <param name="fragment">The fragment; it belongs to the reassembler afterwards, whatever the status.</param>
    /// <param name="datagram">With <see cref="ReassemblyStatus.Complete"/>, the whole datagram (network mark at its IP
    /// header), which the caller now owns; otherwise null.</param>
    /// <returns>See <see cref="ReassemblyStatus"/>.</returns>
    public ReassemblyStatus Add(Packet fragment, out Packet? datagram)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        datagram = null;
        if (!FragmentDescriptor.TryRead(fragment.Data, out FragmentDescriptor info))
        {
            return Reject(fragment, ReassemblyStatus.Malformed);
        }

        if (info.Version == IpVersion.V6 && info.IsAtomic)
        {
            datagram = CompleteAtomic(fragment, info);
            return ReassemblyStatus.Complete;
        }

        if (info.More && (info.DataLength == 0 || info.DataLength % 8 != 0))
        {
            return Reject(fragment, ReassemblyStatus.BadLength);
        }

        if (info.LengthOverhead + info.End > FragmentDescriptor.MaxDatagramLength)
        {
            return Reject(fragment, ReassemblyStatus.TooLarge);
        }

        lock (_lock)
        {
            PurgeExpired(_time.GetTimestamp());
            _entries.TryGetValue(info.Key, out ReassemblyEntry? entry);
            if (!WithinLimits(entry, info))
            {
                return Reject(fragment, ReassemblyStatus.LimitReached);
            }

            if (entry is null)
            {
                if (!FragmentRental.TryRentLike(fragment, out Packet? buffer))
                {
                    return Reject(fragment, ReassemblyStatus.NoBuffer);
                }

                entry = Start(info, buffer);
            }

            return Insert(entry, fragment, info, out datagram);
        }
    }

    /// <summary>Drops every datagram whose timeout has passed; returns how many. The host calls it periodically.</summary>
    public int Purge()
    {
        lock (_lock)
        {
            return PurgeExpired(_time.GetTimestamp());
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>RFC 6946 §4: an atomic fragment is a whole packet with a fragment header to remove, in place.</summary>
    private Packet CompleteAtomic(Packet fragment, in FragmentDescriptor info)
    {
        fragment.Trim(info.DataStart + info.DataLength);
        Span<byte> data = fragment.Data;
        data[info.NamingByte] = info.NextHeader;
        fragment.StripHeader(info.HeaderLength, Ipv6Fragmenter.FragmentHeaderLength);
        FinishIpv6(fragment.Data);
        fragment.SetNetworkHeader(0);
        Interlocked.Increment(ref _completed);
        return fragment;
    }

    /// <summary>Whether the fragment fits the datagram and byte limits, counting the growth of its datagram's buffer.</summary>
    private bool WithinLimits(ReassemblyEntry? entry, in FragmentDescriptor info)
    {
        if (entry is null && _entries.Count >= _options.MaxDatagrams)
        {
            return false;
        }

        int headerLength = entry?.HeaderLength ?? 0;
        int extent = entry?.DataExtent ?? 0;
        int oldSize = headerLength + extent;
        int newSize = (info.Offset == 0 && headerLength == 0 ? info.HeaderLength : headerLength) + Math.Max(extent, info.End);
        return Interlocked.Read(ref _bytesHeld) + (newSize - oldSize) <= _options.MaxBytes;
    }

    private ReassemblyEntry Start(in FragmentDescriptor info, Packet buffer)
    {
        bool ipv4 = info.Version == IpVersion.V4;
        ReassemblyEntry entry = _spares.Count > 0 ? _spares.Pop() : new ReassemblyEntry();
        entry.Start(info.Key, info.Version, buffer, _time.GetTimestamp() + (ipv4 ? _ipv4Timeout : _ipv6Timeout));
        _entries.Add(info.Key, entry);
        (ipv4 ? _ipv4Queue : _ipv6Queue).Append(entry);
        return entry;
    }

    /// <summary>Checks the fragment against what the datagram holds, copies it in, and completes the datagram when whole.</summary>
    private ReassemblyStatus Insert(ReassemblyEntry entry, Packet fragment, in FragmentDescriptor info, out Packet? datagram)
    {
        datagram = null;
        int end = info.End;
        bool endConflicts = info.More
            ? entry.End >= 0 && end > entry.End
            : (entry.End >= 0 && end != entry.End) || end < entry.DataExtent;
        if (endConflicts)
        {
            return Abandon(entry, fragment, ReassemblyStatus.InconsistentEnd);
        }

        ReadOnlySpan<byte> data = fragment.Data.Slice(info.DataStart, info.DataLength);
        int spanned = ReassemblyEntry.BlocksSpanned(info.Offset, end);
        int held = entry.CountReceivedBlocks(info.Offset, end);
        if (held > 0)
        {
            // All held with the same bytes and flags is a copy; anything else rewrites or extends held data.
            bool duplicate = held == spanned
                && (info.More || entry.End == end)
                && end <= entry.DataExtent
                && data.SequenceEqual(entry.Buffer.Data.Slice(entry.HeaderLength + info.Offset, info.DataLength));
            if (!duplicate)
            {
                return Abandon(entry, fragment, ReassemblyStatus.Overlap);
            }

            fragment.Pool.Return(fragment);
            return ReassemblyStatus.Duplicate;
        }

        if (spanned == 0 && entry.End == end)
        {
            fragment.Pool.Return(fragment); // an empty last fragment again
            return ReassemblyStatus.Duplicate;
        }

        int sizeBefore = entry.Buffer.Length;
        if (!TryCopyIn(entry, fragment, info, data))
        {
            return Abandon(entry, fragment, ReassemblyStatus.NoBuffer);
        }

        entry.MarkReceived(info.Offset, end);
        entry.ReceivedBytes += info.DataLength;
        if (!info.More)
        {
            entry.End = end;
        }

        Interlocked.Add(ref _bytesHeld, entry.Buffer.Length - sizeBefore);
        fragment.Pool.Return(fragment);
        if (!entry.HasFirst || entry.End < 0 || entry.ReceivedBytes != entry.End)
        {
            return ReassemblyStatus.Incomplete;
        }

        return Complete(entry, out datagram);
    }

    /// <summary>Copies the first fragment's unfragmentable part (once) and the fragment's data into the buffer.</summary>
    private static bool TryCopyIn(ReassemblyEntry entry, Packet fragment, in FragmentDescriptor info, ReadOnlySpan<byte> data)
    {
        Packet buffer = entry.Buffer;
        if (info.Offset == 0)
        {
            if (!buffer.TryEnsureRoom(info.HeaderLength, 0))
            {
                return false;
            }

            Span<byte> header = buffer.Push(info.HeaderLength);
            fragment.Data[..info.HeaderLength].CopyTo(header);
            if (info.Version == IpVersion.V6)
            {
                header[info.NamingByte] = info.NextHeader; // RFC 8200 §4.5: the fragment header's next header takes its place
            }

            entry.HeaderLength = info.HeaderLength;
            entry.HasFirst = true;
        }

        int needed = entry.HeaderLength + info.End - buffer.Length;
        if (needed > 0)
        {
            if (!buffer.TryEnsureRoom(0, needed))
            {
                return false;
            }

            buffer.Put(needed);
        }

        data.CopyTo(buffer.Data[(entry.HeaderLength + info.Offset)..]);
        return true;
    }

    private ReassemblyStatus Complete(ReassemblyEntry entry, out Packet? datagram)
    {
        datagram = null;
        Packet buffer = entry.Buffer;
        Span<byte> bytes = buffer.Data;
        int lengthField = entry.Version == IpVersion.V4 ? bytes.Length : bytes.Length - Ipv6Header.Length;
        if (lengthField > FragmentDescriptor.MaxDatagramLength)
        {
            // The first fragment's header (IPv4 options) was longer than those that passed the per-fragment check.
            return Abandon(entry, fragment: null, ReassemblyStatus.TooLarge);
        }

        if (entry.Version == IpVersion.V4)
        {
            var header = new Ipv4Header(bytes)
            {
                TotalLength = (ushort)bytes.Length,
                MoreFragments = false,
                FragmentOffset = 0,
            };
            header.UpdateChecksum();
        }
        else
        {
            FinishIpv6(bytes);
        }

        buffer.SetNetworkHeader(0);
        Remove(entry);
        Interlocked.Increment(ref _completed);
        datagram = buffer;
        return ReassemblyStatus.Complete;
    }

    private static void FinishIpv6(Span<byte> bytes) =>
        BinaryPrimitives.WriteUInt16BigEndian(bytes[Ipv6Header.PayloadLengthOffset..], (ushort)(bytes.Length - Ipv6Header.Length));

    /// <summary>Drops the whole datagram, and the fragment that condemned it when there is one.</summary>
    private ReassemblyStatus Abandon(ReassemblyEntry entry, Packet? fragment, ReassemblyStatus status)
    {
        Packet buffer = entry.Buffer;
        Remove(entry);
        buffer.Pool.Return(buffer);
        return fragment is null ? Count(status) : Reject(fragment, status);
    }

    private ReassemblyStatus Reject(Packet fragment, ReassemblyStatus status)
    {
        fragment.Pool.Return(fragment);
        return Count(status);
    }

    private ReassemblyStatus Count(ReassemblyStatus status)
    {
        Interlocked.Increment(ref _failures);
        return status;
    }

    /// <summary>Takes the entry out of the table, keeps it as a spare; the caller disposes of its buffer.</summary>
    private void Remove(ReassemblyEntry entry)
    {
        _entries.Remove(entry.Key);
        (entry.Version == IpVersion.V4 ? _ipv4Queue : _ipv6Queue).Remove(entry);
        Interlocked.Add(ref _bytesHeld, -entry.Buffer.Length);
        entry.Release();
        if (_spares.Count < _options.MaxDatagrams)
        {
            _spares.Push(entry);
        }
    }

    private int PurgeExpired(long now) => PurgeExpired(_ipv4Queue, now) + PurgeExpired(_ipv6Queue, now);

    private int PurgeExpired(ReassemblyQueue queue, long now)
    {
        int purged = 0;
        while (queue.Oldest is { } oldest && oldest.Deadline <= now)
        {
            Packet buffer = oldest.Buffer;
            Remove(oldest);
            buffer.Pool.Return(buffer);
            purged++;
        }

        if (purged > 0)
        {
            Interlocked.Add(ref _timeouts, purged);
        }

        return purged;
    }
}
