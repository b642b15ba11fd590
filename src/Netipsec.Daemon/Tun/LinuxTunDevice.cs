using System.Runtime.InteropServices;
using System.Text;
using Netipsec.Daemon.Interop;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>
/// A Linux TUN interface (/dev/net/tun, TUNSETIFF with IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE): one fd per queue, each
/// read by its own thread, so the kernel spreads flows over the cores. The interface exists while the fds are open;
/// closing the last one removes it together with its addresses and routes.
/// </summary>
/// <remarks>
/// A TUN fd without a virtio-net header gives one packet per read(2), so a batch is filled by reading until the
/// non-blocking fd would block; poll(2) waits for the first packet. (GSO/GRO through IFF_VNET_HDR is what would
/// let one call move many packets; wireguard-go does that in tun/offload_linux.go.)
/// </remarks>
internal sealed unsafe class LinuxTunDevice : ITunDevice
{
    private const string ClonePath = "/dev/net/tun";
    private const nuint TunSetIff = 0x400454CA; // _IOW('T', 202, int)
    private const short IffTun = 0x0001;
    private const short IffNoPi = 0x1000;
    private const short IffMultiQueue = 0x0100;

    private readonly int[] _fds;
    private readonly WakeEvent _wake = new();
    private long _writeErrors;
    private long _readErrors;
    private volatile bool _closed;

    private LinuxTunDevice(string name, int[] fds)
    {
        Name = name;
        _fds = fds;
    }

    public string Name { get; }

    public int QueueCount => _fds.Length;

    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    /// <summary>Reads that failed with an error other than "would block" (the packet is lost, the loop goes on).</summary>
    public long ReadErrors => Interlocked.Read(ref _readErrors);

    /// <summary>Creates (or attaches to) the TUN interface <paramref name="name"/> with <paramref name="queues"/> queues.</summary>
    /// <exception cref="IOException">The kernel refused: no /dev/net/tun, no CAP_NET_ADMIN, or a name in use by another kind of device.</exception>
    public static LinuxTunDevice Open(string name, int queues)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queues);
        if (Encoding.UTF8.GetByteCount(name) >= IfReq.NameSize)
        {
            throw new ArgumentException($"Interface names have at most {IfReq.NameSize - 1} bytes.", nameof(name));
        }

        int[] fds = new int[queues];
        fds.AsSpan().Fill(-1);
        string actual = name;
        try
        {
            for (int i = 0; i < queues; i++)
            {
                fds[i] = OpenQueue(name, out actual);
            }
        }
        catch
        {
            foreach (int fd in fds)
            {
                if (fd >= 0)
                {
                    Libc.Close(fd);
                }
            }

            throw;
        }

        return new LinuxTunDevice(actual, fds);
    }

    public int Read(int queue, Span<Packet> packets)
    {
        int fd = _fds[queue];
        int count = 0;
        while (!_closed)
        {
            while (count < packets.Length)
            {
                Packet packet = packets[count];
                Span<byte> room = packet.Put(packet.Tailroom);
                nint read;
                fixed (byte* buffer = room)
                {
                    read = Libc.Read(fd, buffer, (nuint)room.Length);
                }

                if (read > 0)
                {
                    packet.Trim((int)read);
                    packet.SetNetworkHeader(0);
                    count++;
                    continue;
                }

                packet.Trim(0);
                int errno = Marshal.GetLastPInvokeError();
                if (read < 0 && errno == LibcConstants.Interrupted)
                {
                    continue;
                }

                if (read == 0 || errno != LibcConstants.TryAgain)
                {
                    Interlocked.Increment(ref _readErrors);
                }

                break;
            }

            if (count > 0)
            {
                return count;
            }

            WaitReadable(fd);
        }

        return 0;
    }

    public void Write(ReadOnlySpan<Packet> packets)
    {
        int fd = _fds[0]; // any queue's fd injects into the same interface
        foreach (Packet packet in packets)
        {
            Span<byte> data = packet.Data;
            nint written;
            do
            {
                fixed (byte* buffer = data)
                {
                    written = Libc.Write(fd, buffer, (nuint)data.Length);
                }
            }
            while (written < 0 && Marshal.GetLastPInvokeError() == LibcConstants.Interrupted);

            if (written != data.Length)
            {
                Interlocked.Increment(ref _writeErrors);
            }
        }
    }

    public void Close()
    {
        _closed = true;
        _wake.Signal();
    }

    public void Dispose()
    {
        Close();
        for (int i = 0; i < _fds.Length; i++)
        {
            int fd = Interlocked.Exchange(ref _fds[i], -1);
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }

        _wake.Dispose();
    }

    private static int OpenQueue(string name, out string actualName)
    {
        int fd = Libc.Open(ClonePath, LibcConstants.ReadWrite | LibcConstants.NonBlocking | LibcConstants.CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open {ClonePath}: errno {Marshal.GetLastPInvokeError()}");
        }

        IfReq request = default;
        Encoding.UTF8.GetBytes(name, new Span<byte>(request.Name, IfReq.NameSize - 1));
        request.Flags = IffTun | IffNoPi | IffMultiQueue;
        if (Libc.Ioctl(fd, TunSetIff, &request) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            throw new IOException($"TUNSETIFF {name} failed: errno {errno}");
        }

        actualName = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(request.Name));
        return fd;
    }

    private void WaitReadable(int fd)
    {
        PollFd* set = stackalloc PollFd[2];
        set[0] = new PollFd { Fd = fd, Events = LibcConstants.PollIn };
        set[1] = new PollFd { Fd = _wake.Fd, Events = LibcConstants.PollIn };
        _ = Libc.Poll(set, 2, -1); // EINTR or readiness: either way the caller reads again
    }
}
