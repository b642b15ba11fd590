using System.Buffers.Binary;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>
/// Lays PF_KEY bytes out by hand from the C structures, independently of the writer under test (little-endian host
/// order, as on every machine these tests run on).
/// </summary>
internal static class RawMessage
{
    /// <summary>A base header followed by <paramref name="extensions"/>, with sadb_msg_len computed.</summary>
    public static byte[] Build(byte type, byte saType, params byte[][] extensions) =>
        BuildWith(type, saType, errno: 0, reserved: 0, extensions);

    public static byte[] BuildWith(byte type, byte saType, byte errno, ushort reserved, params byte[][] extensions)
    {
        int length = 16 + extensions.Sum(e => e.Length);
        var message = new byte[length];
        message[0] = 2;
        message[1] = type;
        message[2] = errno;
        message[3] = saType;
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), (ushort)(length / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), reserved);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(12), 1234);
        int offset = 16;
        foreach (byte[] extension in extensions)
        {
            extension.CopyTo(message, offset);
            offset += extension.Length;
        }

        return message;
    }

    /// <summary>An extension of <paramref name="totalBytes"/> (a multiple of 8) whose sadb_ext_len says so, body zeroed.</summary>
    public static byte[] Extension(ushort type, int totalBytes) => ExtensionClaiming(type, totalBytes, (ushort)(totalBytes / 8));

    /// <summary>An extension of <paramref name="totalBytes"/> whose sadb_ext_len claims <paramref name="units"/>.</summary>
    public static byte[] ExtensionClaiming(ushort type, int totalBytes, ushort units)
    {
        var extension = new byte[totalBytes];
        BinaryPrimitives.WriteUInt16LittleEndian(extension, units);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(2), type);
        return extension;
    }

    public static byte[] Extension(ExtensionType type, int totalBytes) => Extension((ushort)type, totalBytes);

    /// <summary>sadb_sa: SPI, replay, state, auth, encrypt, flags.</summary>
    public static byte[] Sa(uint spi, byte replay, byte auth, byte encrypt, uint flags = 0)
    {
        byte[] extension = Extension(ExtensionType.Sa, 16);
        BinaryPrimitives.WriteUInt32BigEndian(extension.AsSpan(4), spi);
        extension[8] = replay;
        extension[10] = auth;
        extension[11] = encrypt;
        BinaryPrimitives.WriteUInt32LittleEndian(extension.AsSpan(12), flags);
        return extension;
    }

    /// <summary>sadb_address + sockaddr_in, 24 bytes.</summary>
    public static byte[] Ipv4Address(ExtensionType type, byte a, byte b, byte c, byte d, ushort port = 0, byte prefix = 32, byte proto = 255, ushort family = 2)
    {
        byte[] extension = Extension(type, 24);
        extension[4] = proto;
        extension[5] = prefix;
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(8), family);
        BinaryPrimitives.WriteUInt16BigEndian(extension.AsSpan(10), port);
        extension[12] = a;
        extension[13] = b;
        extension[14] = c;
        extension[15] = d;
        return extension;
    }

    /// <summary>sockaddr_in alone, 16 bytes.</summary>
    public static byte[] SockaddrIpv4(byte a, byte b, byte c, byte d, ushort family = 2)
    {
        var sockaddr = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(sockaddr, family);
        sockaddr[4] = a;
        sockaddr[5] = b;
        sockaddr[6] = c;
        sockaddr[7] = d;
        return sockaddr;
    }

    /// <summary>sockaddr_in6 alone, 28 bytes, for 2001:db8::<paramref name="last"/>.</summary>
    public static byte[] SockaddrIpv6(byte last)
    {
        var sockaddr = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(sockaddr, 10);
        sockaddr[8] = 0x20;
        sockaddr[9] = 0x01;
        sockaddr[10] = 0x0d;
        sockaddr[11] = 0xb8;
        sockaddr[23] = last;
        return sockaddr;
    }

    /// <summary>sadb_key with <paramref name="bits"/> in an extension of <paramref name="totalBytes"/>, key bytes 0x11, 0x12 ...</summary>
    public static byte[] Key(ExtensionType type, ushort bits, int totalBytes)
    {
        byte[] extension = Extension(type, totalBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(4), bits);
        for (int i = 8; i < Math.Min(totalBytes, 8 + (bits + 7) / 8); i++)
        {
            extension[i] = (byte)(0x11 + i - 8);
        }

        return extension;
    }

    /// <summary>sadb_x_ipsecrequest with the given length field, followed by <paramref name="addresses"/>.</summary>
    public static byte[] IpsecRequest(ushort declaredLength, ushort proto, byte mode, byte level, uint reqid, params byte[][] addresses)
    {
        var request = new byte[16 + addresses.Sum(a => a.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(request, declaredLength);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(2), proto);
        request[4] = mode;
        request[5] = level;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), reqid);
        int offset = 16;
        foreach (byte[] address in addresses)
        {
            address.CopyTo(request, offset);
            offset += address.Length;
        }

        return request;
    }

    /// <summary>sadb_x_policy (type IPsec, direction out) followed by the request bytes, padded to 8.</summary>
    public static byte[] Policy(params byte[][] requests)
    {
        int body = requests.Sum(r => r.Length);
        byte[] extension = Extension(ExtensionType.Policy, 16 + ((body + 7) & ~7));
        BinaryPrimitives.WriteUInt16LittleEndian(extension.AsSpan(4), 2);
        extension[6] = 2;
        int offset = 16;
        foreach (byte[] request in requests)
        {
            request.CopyTo(extension, offset);
            offset += request.Length;
        }

        return extension;
    }
}
