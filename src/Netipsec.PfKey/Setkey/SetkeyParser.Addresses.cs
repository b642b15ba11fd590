using System.Globalization;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

internal sealed partial class SetkeyParser
{
    private const string SaProtocols = "a protocol (esp, esp-udp, ah or ipcomp)";
    private const string UpperProtocols = "an upper-layer protocol (any, icmp, icmp6, tcp, udp, gre, sctp or a number 0-255)";

    /// <summary>An SA's protocol: ESP, AH or IPComp, and esp-udp for ESP in UDP (RFC 3948) where an SA is created.</summary>
    private static SaProtocol ParseSaProtocol(SetkeyToken token, bool allowUdp) => token.Text switch
    {
        "esp" when token.Kind == SetkeyTokenKind.Word => new SaProtocol(SaType.Esp, false),
        "esp-udp" when token.Kind == SetkeyTokenKind.Word && allowUdp => new SaProtocol(SaType.Esp, true),
        "ah" when token.Kind == SetkeyTokenKind.Word => new SaProtocol(SaType.Ah, false),
        "ipcomp" when token.Kind == SetkeyTokenKind.Word => new SaProtocol(SaType.IpComp, false),
        _ => throw Expected(allowUdp ? SaProtocols : "a protocol (esp, ah or ipcomp)", token),
    };

    /// <summary>
    /// An address as setkey writes it: <c>ADDR</c>, <c>ADDR/PREFIX</c>, <c>ADDR[PORT]</c> or <c>ADDR/PREFIX[PORT]</c>
    /// (PORT a number or <c>any</c>), IPv4 dotted quad or IPv6. Host names are not resolved.
    /// </summary>
    private static AddressSpec ParseAddress(SetkeyToken token, string what, bool allowPrefix, bool allowPort)
    {
        if (token.Kind != SetkeyTokenKind.Word)
        {
            throw Expected(what, token);
        }

        string text = token.Text;
        int bracket = text.IndexOf('[', StringComparison.Ordinal);
        int end = bracket < 0 ? text.Length : bracket;
        int slash = text.IndexOf('/', 0, end);
        string addressText = text[..(slash < 0 ? end : slash)];
        if (!TryParseIpAddress(addressText, out IpAddress address))
        {
            throw SetkeySyntaxException.At(token, $"expected {what} (an IPv4 or IPv6 address), found '{addressText}'");
        }

        int prefix = address.BitLength;
        if (slash >= 0)
        {
            string prefixText = text[(slash + 1)..end];
            if (!allowPrefix)
            {
                throw SetkeySyntaxException.At(token, $"expected {what} without a prefix length, found '/{prefixText}'", slash);
            }

            if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > address.BitLength)
            {
                throw SetkeySyntaxException.At(token, $"expected a prefix length 0-{address.BitLength}, found '{prefixText}'", slash + 1);
            }
        }

        ushort port = IpsecConstants.PortAny;
        if (bracket >= 0)
        {
            port = ParsePort(token, bracket, allowPort, what);
        }

        return new AddressSpec(address, (byte)prefix, port, bracket >= 0);
    }

    private static ushort ParsePort(SetkeyToken token, int bracket, bool allowPort, string what)
    {
        string text = token.Text;
        if (!allowPort)
        {
            throw SetkeySyntaxException.At(token, $"expected {what} without a port, found '{text[bracket..]}'", bracket);
        }

        int close = text.IndexOf(']', bracket);
        if (close != text.Length - 1)
        {
            throw SetkeySyntaxException.At(token, close < 0 ? "expected ']' after the port" : $"expected nothing after ']', found '{text[(close + 1)..]}'", close < 0 ? text.Length : close + 1);
        }

        string portText = text[(bracket + 1)..close];
        if (portText == "any")
        {
            return IpsecConstants.PortAny;
        }

        return ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port)
            ? port
            : throw SetkeySyntaxException.At(token, $"expected a port (0-65535 or any), found '{portText}'", bracket + 1);
    }

    /// <summary>
    /// Strict address syntax: IPAddress.TryParse also takes "1" or "0x7f.1" for IPv4 (inet_aton's forms), which
    /// setkey's numeric getaddrinfo refuses, and an IPv6 scope id, which no SA or selector here has.
    /// </summary>
    private static bool TryParseIpAddress(string text, out IpAddress address)
    {
        address = default;
        bool ipv6 = text.Contains(':', StringComparison.Ordinal);
        bool wellFormed = ipv6
            ? !text.Contains('%', StringComparison.Ordinal)
            : text.Split('.') is { Length: 4 } parts && Array.TrueForAll(parts, part => part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit));
        return wellFormed && IpAddress.TryParse(text, out address) && (address.Version == IpVersion.V6) == ipv6;
    }

    /// <summary>Two addresses of a statement must be of one family.</summary>
    private static void CheckFamilies(AddressSpec source, AddressSpec destination, SetkeyToken destinationToken)
    {
        if (source.Address.Version != destination.Address.Version)
        {
            throw SetkeySyntaxException.At(destinationToken, $"expected an {Family(source.Address)} destination like the source, found {Family(destination.Address)} '{destination.Address}'");
        }
    }

    private static string Family(IpAddress address) => address.Version == IpVersion.V6 ? "IPv6" : "IPv4";

    /// <summary>The upper-layer protocol of a policy selector: a name or a number; any is IPSEC_ULPROTO_ANY.</summary>
    private static byte ParseUpperProtocol(SetkeyToken token) => token.Text switch
    {
        _ when token.Kind != SetkeyTokenKind.Word => throw Expected(UpperProtocols, token),
        "any" => IpsecConstants.UlProtoAny,
        "icmp" => (byte)IpProtocol.Icmp,
        "icmp6" or "ipv6-icmp" => (byte)IpProtocol.Icmpv6,
        "tcp" => (byte)IpProtocol.Tcp,
        "udp" => (byte)IpProtocol.Udp,
        "gre" => (byte)IpProtocol.Gre,
        "sctp" => (byte)IpProtocol.Sctp,
        "esp" => (byte)IpProtocol.Esp,
        "ah" => (byte)IpProtocol.Ah,
        "ipcomp" => (byte)IpProtocol.IpComp,
        _ => byte.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out byte number) ? number : throw Expected(UpperProtocols, token),
    };

    private static AddressExtension ToExtension(AddressSpec spec, byte protocol) =>
        new(protocol, spec.PrefixLength, new Sockaddr(spec.Address, spec.Port));

    /// <summary>An SA type and whether the SA is ESP in UDP.</summary>
    private readonly record struct SaProtocol(SaType SaType, bool UdpEncapsulated);

    /// <summary>An address as written, with its prefix (the full length when none was given) and port (0 for any).</summary>
    private readonly record struct AddressSpec(IpAddress Address, byte PrefixLength, ushort Port, bool HasPort);
}
