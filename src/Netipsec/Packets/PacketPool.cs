using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Netipsec.Packets;

/// <summary>
/// A bounded pool of <see cref="Packet"/>s, each with its own buffer of <see cref="BufferSize"/> bytes. Packets are
/// created on demand up to <see cref="Capacity"/> and then reused, so steady-state rent and return allocate nothing.
/// </summary>
/// <remarks>
/// <para>Thread-safe: any thread may rent and return. Returning resets the data and every metadata field.</para>
/// <para>
/// A double return is always detected (it would hand one packet to two owners) and throws. A diagnostic pool
/// (the default in DEBUG builds, or <c>diagnostics: true</c>) also records where each packet was rented and returned,
/// so <see cref="DescribeLeaks"/> can say who holds a leaked packet and a double return says who returned it first,
/// and it overwrites returned buffers so a use after return reads garbage instead of plausible data.
/// </para>
/// <para>
/// A packet that grows past <see cref="BufferSize"/> (<see cref="Packet.EnsureRoom"/>) borrows a larger buffer from a
/// bounded array pool owned by this pool; it goes back there when the packet is returned.
/// </para>
/// </remarks>
public sealed class PacketPool
{
    /// <summary>Default size of each packet's buffer: an Ethernet MTU plus room for outer headers and ESP trailers.</summary>
    public const int DefaultBufferSize = 2048;

    /// <summary>Default headroom of a freshly rented packet: enough for an outer IPv6 header, UDP, ESP and an IV.</summary>
    public const int DefaultHeadroom = 128;

    /// <summary>The largest buffer a packet may grow to: a maximum IPv6 payload plus generous head- and tailroom.</summary>
    public const int MaxBufferSize = 256 * 1024;

    // Lock-free so that rent and return cost a compare-and-swap each rather than two lock round trips: packets are
    // created on demand into _created (slot i holds the packet with PoolIndex i) and their indices kept in _free.
    private readonly IndexStack _free;
    private readonly Packet?[] _created;
    private readonly ArrayPool<byte> _largeBuffers;
    private int _createdCount;

    /// <summary>Creates an empty pool; packets are allocated on first use.</summary>
    /// <param name="capacity">Most packets that can exist (and so be rented) at once, at most 16,777,215.</param>
    /// <param name="bufferSize">Size of each packet's buffer.</param>
    /// <param name="headroom">Headroom of a freshly rented packet; at most <paramref name="bufferSize"/>.</param>
    /// <param name="diagnostics">Record rent and return sites and poison returned buffers; defaults to on in DEBUG builds.</param>
    public PacketPool(int capacity, int bufferSize = DefaultBufferSize, int headroom = DefaultHeadroom, bool? diagnostics = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, IndexStack.MaxCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bufferSize, MaxBufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headroom, bufferSize);
        Capacity = capacity;
        BufferSize = bufferSize;
        Headroom = headroom;
        Diagnostics = diagnostics ?? IsDebugBuild;
        _free = new IndexStack(capacity);
        _created = new Packet?[capacity];
        _largeBuffers = ArrayPool<byte>.Create(MaxBufferSize, Math.Min(capacity, 64));
    }

    /// <summary>Most packets that can be rented at once.</summary>
    public int Capacity { get; }

    /// <summary>Size of each packet's own buffer.</summary>
    public int BufferSize { get; }

    /// <summary>Headroom of a freshly rented packet.</summary>
    public int Headroom { get; }

    /// <summary>Whether this pool records rent/return sites and poisons returned buffers.</summary>
    public bool Diagnostics { get; }

    /// <summary>Packets rented and not yet returned. At a quiet point, anything above zero is a leak.</summary>
    /// <remarks>Counted over the packets created so far (not kept on the data path); exact when no rent or return runs.</remarks>
    public int RentedCount
    {
        get
        {
            int rented = 0;
            int created = Volatile.Read(ref _createdCount);
            for (int i = 0; i < created; i++)
            {
                if (Volatile.Read(ref _created[i]) is { IsRented: true })
                {
                    rented++;
                }
            }

            return rented;
        }
    }

    private static bool IsDebugBuild
    {
        get
        {
#if DEBUG
            return true;
#else
            return false;
#endif
        }
    }

    /// <summary>
    /// Rents an empty packet with <see cref="Headroom"/> bytes of headroom and default metadata; false when
    /// <see cref="Capacity"/> packets are already rented (the caller drops or waits: that is the back-pressure).
    /// </summary>
    public bool TryRent([NotNullWhen(true)] out Packet? packet)
    {
        if (_free.TryPop(out int index))
        {
            packet = _created[index]!;
        }
        else if (!TryCreate(out packet))
        {
            return false;
        }

        // The packet is this thread's alone now: a plain store of the flag suffices.
        packet.MarkRented();
        if (Diagnostics)
        {
            packet.RentSite = new StackTrace(1, false).ToString();
            packet.ReturnSite = null;
        }

        return true;
    }

    /// <summary>Rents a packet like <see cref="TryRent"/>.</summary>
    /// <exception cref="InvalidOperationException">The pool is exhausted.</exception>
    public Packet Rent() =>
        TryRent(out Packet? packet) ? packet : throw new InvalidOperationException($"All {Capacity} packets of the pool are rented.");

    /// <summary>Gives a packet back; it must not be used afterwards.</summary>
    /// <exception cref="ArgumentException">The packet belongs to another pool.</exception>
    /// <exception cref="InvalidOperationException">The packet was already returned (a double return).</exception>
    public void Return(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (!ReferenceEquals(packet.Pool, this))
        {
            throw new ArgumentException("The packet belongs to another pool.", nameof(packet));
        }

        if (!packet.TryMarkReturned())
        {
            string firstReturn = packet.ReturnSite is null ? string.Empty : " It was first returned at:" + Environment.NewLine + packet.ReturnSite;
            throw new InvalidOperationException("The packet was returned twice." + firstReturn);
        }

        byte[]? grown = packet.Reset(Headroom);
        if (grown is not null)
        {
            _largeBuffers.Return(grown);
        }

        if (Diagnostics)
        {
            packet.Poison();
            packet.ReturnSite = new StackTrace(1, false).ToString();
        }

        _free.Push(packet.PoolIndex);
    }

    /// <summary>
    /// One line per packet still rented; with <see cref="Diagnostics"/> each names where it was rented. Meant for tests
    /// and shutdown checks, not the data path (it allocates).
    /// </summary>
    public IReadOnlyList<string> DescribeLeaks()
    {
        List<string> leaks = [];
        int created = Volatile.Read(ref _createdCount);
        for (int i = 0; i < created; i++)
        {
            if (Volatile.Read(ref _created[i]) is { IsRented: true } packet)
            {
                leaks.Add(string.Create(CultureInfo.InvariantCulture, $"packet {i} ({packet.Length} bytes) rented at: {packet.RentSite ?? "(enable diagnostics to record)"}"));
            }
        }

        return leaks;
    }

    internal byte[] RentLargeBuffer(int size) => _largeBuffers.Rent(size);

    internal void ReturnLargeBuffer(byte[] buffer) => _largeBuffers.Return(buffer);

    /// <summary>Creates a packet in the next free slot, unless <see cref="Capacity"/> packets exist already.</summary>
    private bool TryCreate([NotNullWhen(true)] out Packet? packet)
    {
        int created = Volatile.Read(ref _createdCount);
        if (created >= Capacity)
        {
            packet = null;
            return false;
        }

        // The buffer comes before the slot: an allocation that throws then leaves no slot reserved and never filled.
        byte[] buffer = new byte[BufferSize];
        while (true)
        {
            if (created >= Capacity)
            {
                packet = null;
                return false;
            }

            int seen = Interlocked.CompareExchange(ref _createdCount, created + 1, created);
            if (seen == created)
            {
                break;
            }

            created = seen;
        }

        // The slot is ours; until it is filled, RentedCount and DescribeLeaks skip it (the packet is not handed out yet).
        packet = new Packet(this, buffer, Headroom, created);
        Volatile.Write(ref _created[created], packet);
        return true;
    }
}
