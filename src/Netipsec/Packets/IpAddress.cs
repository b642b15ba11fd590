using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Netipsec.Packets;

/// <summary>
/// An IPv4 or IPv6 address as a value: no allocation, cheap equality and hashing, so it can key the SAD and SPD
/// and be read from a packet on the data path (<see cref="IPAddress"/> allocates for every read).
/// </summary>
/// <remarks>
/// The 128 bits are kept as two big-endian-ordered halves, so prefix masking is plain shifts. An IPv4 address sits in
/// the low 32 bits of <c>Low</c> with <c>High</c> zero; the <see cref="Version"/> tells the two kinds apart.
/// </remarks>
public readonly struct IpAddress : IEquatable<IpAddress>, ISpanFormattable
{
    private readonly ulong _high;
    private readonly ulong _low;

    private IpAddress(IpVersion version, ulong high, ulong low)
    {
        Version = version;
        _high = high;
        _low = low;
    }

    public IpVersion Version { get; }

    /// <summary>Number of address bits: 32 or 128 (0 for an unset address).</summary>
    public int BitLength => Version switch { IpVersion.V4 => 32, IpVersion.V6 => 128, _ => 0 };

    /// <summary>Number of bytes on the wire: 4 or 16.</summary>
    public int ByteLength => BitLength / 8;

    public bool IsUnspecified => _high == 0 && _low == 0;

    public static IpAddress AnyV4 => new(IpVersion.V4, 0, 0);

    public static IpAddress AnyV6 => new(IpVersion.V6, 0, 0);

    /// <summary>The all-zero address of a version (0.0.0.0 or ::), used by wildcard selectors.</summary>
    public static IpAddress Any(IpVersion version) => new(version, 0, 0);

    public static IpAddress FromIpv4(uint value) => new(IpVersion.V4, 0, value);

    /// <summary>Reads 4 bytes as IPv4 or 16 bytes as IPv6, in network order.</summary>
    public static IpAddress Read(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => new(IpVersion.V4, 0, BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => new(IpVersion.V6, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => throw new ArgumentException("An IP address has 4 or 16 bytes.", nameof(bytes)),
    };

    /// <summary>Writes the address in network order; the destination must hold <see cref="ByteLength"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (Version == IpVersion.V4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        }
    }

    /// <summary>
    /// Writes <paramref name="address"/> into an address field of a <paramref name="headerVersion"/> header; an
    /// address of the other version throws, as a header holds one version only.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not of <paramref name="headerVersion"/>.</exception>
    internal static void WriteToHeader(IpAddress address, Span<byte> field, IpVersion headerVersion)
    {
        if (address.Version != headerVersion)
        {
            string message = headerVersion == IpVersion.V4
                ? "An IPv4 header holds IPv4 addresses only."
                : "An IPv6 header holds IPv6 addresses only.";
            throw new ArgumentException(message, nameof(address));
        }

        address.WriteTo(field);
    }

    /// <summary>The IPv4 address as a host-order integer; only meaningful for <see cref="IpVersion.V4"/>.</summary>
    public uint ToIpv4() => (uint)_low;

    public static IpAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("The address could not be written.", nameof(address));
        }

        return Read(bytes[..written]);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteTo(bytes);
        return new IPAddress(bytes[..ByteLength]);
    }

    public static IpAddress Parse(string text) =>
        TryParse(text, out IpAddress address) ? address : throw new FormatException($"'{text}' is not an IP address.");

    public static bool TryParse([NotNullWhen(true)] string? text, out IpAddress address)
    {
        address = default;
        if (text is null || !IPAddress.TryParse(text, out IPAddress? parsed))
        {
            return false;
        }

        // IPAddress.TryParse accepts "1" as 0.0.0.1 and scope ids; an IPsec configuration wants the plain forms only.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && (parsed.ScopeId != 0 || text.Contains('%', StringComparison.Ordinal)))
        {
            return false;
        }

        address = FromIPAddress(parsed);
        return true;
    }

    /// <summary>The address with all bits after the first <paramref name="prefixLength"/> cleared.</summary>
    public IpAddress Mask(int prefixLength)
    {
        if (Version == IpVersion.V4)
        {
            uint mask = prefixLength <= 0 ? 0u : uint.MaxValue << (32 - Math.Min(prefixLength, 32));
            return new(IpVersion.V4, 0, _low & mask);
        }

        (ulong highMask, ulong lowMask) = Ipv6Mask(prefixLength);
        return new(Version, _high & highMask, _low & lowMask);
    }

    /// <summary>True when this address and <paramref name="other"/> agree on the first <paramref name="prefixLength"/> bits.</summary>
    public bool SharesPrefix(IpAddress other, int prefixLength)
    {
        if (Version == IpVersion.V4)
        {
            uint mask = prefixLength <= 0 ? 0u : uint.MaxValue << (32 - Math.Min(prefixLength, 32));
            return (((uint)_low ^ (uint)other._low) & mask) == 0;
        }

        (ulong highMask, ulong lowMask) = Ipv6Mask(prefixLength);
        return ((_high ^ other._high) & highMask) == 0 && ((_low ^ other._low) & lowMask) == 0;
    }

    private static (ulong High, ulong Low) Ipv6Mask(int prefixLength) => prefixLength switch
    {
        <= 0 => (0, 0),
        < 64 => (ulong.MaxValue << (64 - prefixLength), 0),
        64 => (ulong.MaxValue, 0),
        < 128 => (ulong.MaxValue, ulong.MaxValue << (128 - prefixLength)),
        _ => (ulong.MaxValue, ulong.MaxValue),
    };

    public bool Equals(IpAddress other) => Version == other.Version && _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is IpAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low, Version);

    /// <summary>
    /// The 128 bits folded into 64 with the version, for hashes on the data path that must be cheaper than
    /// <see cref="GetHashCode"/> (the caller mixes the result).
    /// </summary>
    internal ulong Fold() => (_high * 0x9E3779B97F4A7C15UL) ^ _low ^ ((ulong)Version << 61);

    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);

    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);

    public override string ToString() => Version == IpVersion.None ? "(none)" : ToIPAddress().ToString();

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (Version == IpVersion.None)
        {
            bool fits = "(none)".TryCopyTo(destination);
            charsWritten = fits ? 6 : 0;
            return fits;
        }

        if (Version == IpVersion.V4)
        {
            // Formatting IPv4 by hand keeps show/dump output free of an IPAddress per line.
            uint value = (uint)_low;
            return destination.TryWrite(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}", out charsWritten);
        }

        return ToIPAddress().TryFormat(destination, out charsWritten);
    }
}
