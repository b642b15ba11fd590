using System.Runtime.InteropServices;

namespace Netipsec.Daemon.Interop;

/// <summary>
/// An eventfd that loops blocked in poll(2) also watch, so <see cref="Signal"/> wakes them at once: a blocking read
/// on a TUN or socket fd cannot be cancelled, and polling with a short timeout would wake idle loops for nothing.
/// Once signalled it stays readable, which is what a shutdown wants.
/// </summary>
internal sealed unsafe class WakeEvent : IDisposable
{
    private int _fd;

    public WakeEvent()
    {
        _fd = Libc.EventFd(0, LibcConstants.NonBlocking | LibcConstants.CloseOnExec);
        if (_fd < 0)
        {
            throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The fd to add to a poll set (readable once signalled).</summary>
    public int Fd => _fd;

    public bool IsSignalled { get; private set; }

    public void Signal()
    {
        IsSignalled = true;
        ulong one = 1;
        _ = Libc.Write(_fd, (byte*)&one, sizeof(ulong));
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
