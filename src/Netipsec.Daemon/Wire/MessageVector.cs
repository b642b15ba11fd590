using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Packets;

namespace Netipsec.Daemon.Wire;

/// <summary>
/// The native side of one recvmmsg/sendmmsg call: a vector of message headers with, per message, one iovec, a
/// socket-address buffer and a control (cmsg) buffer. Allocated once per thread that uses it, so a batch costs no
/// allocation; the packets' own buffers are pinned only for the duration of the call.
/// </summary>
/// <remarks>Not thread-safe: one owner thread.</remarks>
internal sealed unsafe class MessageVector : IDisposable
{
    /// <summary>Room for a sockaddr_in6 (28 bytes), rounded up.</summary>
    public const int NameSize = 32;

    /// <summary>Room for IPV6_PKTINFO, IPV6_HOPLIMIT and IPV6_TCLASS together (40 + 24 + 24 bytes), with slack.</summary>
    public const int ControlSize = 128;

    private const int CmsgHeaderLength = 16; // struct cmsghdr on LP64: size_t len, int level, int type

    private readonly MMsgHdr* _headers;
    private readonly IoVec* _vectors;
    private readonly byte* _names;
    private readonly byte* _controls;

    public MessageVector(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(MMsgHdr)));
        _vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(IoVec)));
        _names = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * NameSize));
        _controls = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * ControlSize));
        Offsets = new int[capacity];
    }

    public int Capacity { get; }

    /// <summary>Per message, where in the packet's data the bytes to send start (after headers the socket adds itself).</summary>
    public int[] Offsets { get; }

    public MMsgHdr* Headers => _headers;

    /// <summary>Points message <paramref name="index"/> at <paramref name="length"/> bytes at <paramref name="data"/>, with full name and control buffers to receive into.</summary>
    public void PrepareReceive(int index, byte* data, int length)
    {
        _vectors[index] = new IoVec { Base = data, Length = (nuint)length };
        _headers[index] = new MMsgHdr
        {
            Header = new MsgHdr
            {
                Name = _names + (index * NameSize),
                NameLength = NameSize,
                Iov = _vectors + index,
                IovLength = 1,
                Control = _controls + (index * ControlSize),
                ControlLength = ControlSize,
            },
        };
    }

    /// <summary>Points message <paramref name="index"/> at the data to send, with the name and control lengths already written.</summary>
    public void PrepareSend(int index, byte* data, int length, int nameLength, int controlLength)
    {
        _vectors[index] = new IoVec { Base = data, Length = (nuint)length };
        _headers[index] = new MMsgHdr
        {
            Header = new MsgHdr
            {
                Name = _names + (index * NameSize),
                NameLength = (uint)nameLength,
                Iov = _vectors + index,
                IovLength = 1,
                Control = controlLength == 0 ? null : _controls + (index * ControlSize),
                ControlLength = (nuint)controlLength,
            },
        };
    }

    /// <summary>Bytes the kernel moved for message <paramref name="index"/>.</summary>
    public int ReceivedLength(int index) => (int)_headers[index].Length;

    /// <summary>The msg_flags the kernel returned (MSG_TRUNC, MSG_CTRUNC).</summary>
    public int ReceivedFlags(int index) => _headers[index].Header.Flags;

    /// <summary>The socket address buffer of message <paramref name="index"/>.</summary>
    public Span<byte> Name(int index) => new(_names + (index * NameSize), NameSize);

    /// <summary>The control bytes the kernel filled in for message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> ReceivedControl(int index) =>
        new(_controls + (index * ControlSize), (int)Math.Min(_headers[index].Header.ControlLength, ControlSize));

    /// <summary>The control buffer of message <paramref name="index"/>, to write a cmsg into before sending.</summary>
    public Span<byte> Control(int index) => new(_controls + (index * ControlSize), ControlSize);

    /// <summary>Writes a sockaddr_in or sockaddr_in6 for <paramref name="address"/> and <paramref name="port"/>; returns its length.</summary>
    public static int WriteSocketAddress(Span<byte> name, IpAddress address, ushort port)
    {
        if (address.Version == IpVersion.V4)
        {
            name[..16].Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(name, LibcConstants.AddressFamilyInet);
            BinaryPrimitives.WriteUInt16BigEndian(name[2..], port);
            address.WriteTo(name[4..]);
            return 16;
        }

        name[..28].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(name, LibcConstants.AddressFamilyInet6);
        BinaryPrimitives.WriteUInt16BigEndian(name[2..], port);
        address.WriteTo(name[8..]);
        return 28;
    }

    /// <summary>Reads the address and port of a sockaddr_in or sockaddr_in6.</summary>
    public static bool TryReadSocketAddress(ReadOnlySpan<byte> name, out IpAddress address, out ushort port)
    {
        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(name);
        port = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        switch (family)
        {
            case LibcConstants.AddressFamilyInet:
                address = IpAddress.Read(name.Slice(4, 4));
                return true;
            case LibcConstants.AddressFamilyInet6:
                address = IpAddress.Read(name.Slice(8, 16));
                return true;
            default:
                address = default;
                return false;
        }
    }

    /// <summary>Writes one cmsg (header, then <paramref name="data"/>) at the start of <paramref name="control"/>; returns its CMSG_SPACE.</summary>
    public static int WriteControlMessage(Span<byte> control, int level, int type, ReadOnlySpan<byte> data)
    {
        int space = Align(CmsgHeaderLength + data.Length);
        control[..space].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(control, (ulong)(CmsgHeaderLength + data.Length));
        BinaryPrimitives.WriteInt32LittleEndian(control[8..], level);
        BinaryPrimitives.WriteInt32LittleEndian(control[12..], type);
        data.CopyTo(control[CmsgHeaderLength..]);
        return space;
    }

    /// <summary>Finds the data of the cmsg with <paramref name="level"/> and <paramref name="type"/> in received control bytes.</summary>
    public static bool TryFindControlMessage(ReadOnlySpan<byte> control, int level, int type, out ReadOnlySpan<byte> data)
    {
        int offset = 0;
        while (offset + CmsgHeaderLength <= control.Length)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
            if (length < CmsgHeaderLength || length > (ulong)(control.Length - offset))
            {
                break;
            }

            if (BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]) == level
                && BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]) == type)
            {
                data = control.Slice(offset + CmsgHeaderLength, (int)length - CmsgHeaderLength);
                return true;
            }

            offset += Align((int)length);
        }

        data = default;
        return false;
    }

    public void Dispose()
    {
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_names);
        NativeMemory.Free(_controls);
    }

    private static int Align(int length) => (length + 7) & ~7;
}
