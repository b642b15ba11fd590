using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Netipsec.Packets;

/// <summary>An address prefix such as 192.0.2.0/24; the address is kept masked, so equal prefixes compare equal.</summary>
public readonly record struct IpPrefix
{
    public IpPrefix(IpAddress address, int length)
    {
        if (address.Version == IpVersion.None)
        {
            throw new ArgumentException("A prefix needs an IPv4 or IPv6 address.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, address.BitLength);
        Address = address.Mask(length);
        Length = (byte)length;
    }

    public IpAddress Address { get; }

    public byte Length { get; }

    public IpVersion Version => Address.Version;

    /// <summary>The prefix that matches every address of a version (0.0.0.0/0 or ::/0).</summary>
    public static IpPrefix Any(IpVersion version) => new(IpAddress.Any(version), 0);

    /// <summary>A prefix that holds just one address (/32 or /128).</summary>
    public static IpPrefix Host(IpAddress address) => new(address, address.BitLength);

    public bool Contains(IpAddress address) => address.Version == Address.Version && Address.SharesPrefix(address, Length);

    /// <summary>Parses "address" (a host prefix) or "address/length".</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpPrefix prefix)
    {
        prefix = default;
        if (text is null)
        {
            return false;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IpAddress.TryParse(slash < 0 ? text : text[..slash], out IpAddress address))
        {
            return false;
        }

        int length = address.BitLength;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > address.BitLength))
        {
            return false;
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    public static IpPrefix Parse(string text) =>
        TryParse(text, out IpPrefix prefix) ? prefix : throw new FormatException($"'{text}' is not an address prefix.");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{Length}");
}
