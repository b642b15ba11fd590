using Netipsec.Packets;

namespace Netipsec.Transforms.Ah;

/// <summary>
/// Puts the IP header(s) in front of an AH header into the form the ICV covers (RFC 4302 §3.3.3.1, Appendix A): fields
/// that may change in transit zeroed, fields whose final value is predictable set to it. Works in place: the caller
/// saves the bytes first and restores them afterwards. Stateless; allocates nothing; never throws.
/// </summary>
internal static class AhMutableFields
{
    // IPv4 (RFC 4302 Appendix A.1).
    private const int Ipv4OptionType = 0;
    private const int Ipv4OptionLength = 1;
    private const int Ipv4AddressLength = 4;
    private const byte OptionEndOfList = 0;
    private const byte OptionNoOperation = 1;
    private const byte OptionSecurity = 130;
    private const byte OptionLooseSourceRoute = 131;
    private const byte OptionExtendedSecurity = 133;
    private const byte OptionCommercialSecurity = 134;
    private const byte OptionStrictSourceRoute = 137;
    private const byte OptionRouterAlert = 148;
    private const byte OptionSenderDirectedDelivery = 149;
    private const int SourceRoutePointer = 2;
    private const int SourceRouteMinimumLength = 3 + Ipv4AddressLength; // type, length, pointer, one address

    // IPv6 (RFC 4302 Appendix A.2, RFC 8200 §4.2/§4.4).
    private const int Ipv6VersionMask = 0xF0;
    private const int VersionClassFlowLength = 4;
    private const int ExtensionLengthField = 1;
    private const int OptionsStart = 2;
    private const byte OptionPad1 = 0;
    private const byte OptionMayChangeBit = 0x20;
    private const int RoutingTypeField = 2;
    private const int SegmentsLeftField = 3;
    private const int RoutingAddressesStart = 8;
    private const int Ipv6AddressLength = 16;
    private const byte RoutingType0 = 0;
    private const byte RoutingType2 = 2;

    /// <summary>
    /// Rewrites <paramref name="headers"/>, the bytes from the start of the IP header to the AH header, for the ICV.
    /// IPv4: TOS, flags, fragment offset, TTL and checksum zeroed; options classified per RFC 4302 Appendix A.1 (end of
    /// list, no-op, security, extended and commercial security, router alert and sender-directed delivery kept, every
    /// other option zeroed whole); an unfinished loose or strict source route puts its last address, the final
    /// destination, in the destination field. IPv6: traffic class, flow label and hop limit zeroed; in hop-by-hop and
    /// destination options headers the data of options whose type has the may-change bit (RFC 8200 §4.2) zeroed;
    /// a type 0 or type 2 routing header with segments left is rearranged as the final destination will see it
    /// (destination = last address, segments left 0); other routing types, fragment headers and anything else are
    /// covered as they are.
    /// </summary>
    /// <returns>False when the headers are truncated or their option/extension lengths overrun.</returns>
    internal static bool TryPrepare(Span<byte> headers, IpVersion version) =>
        version == IpVersion.V4 ? TryPrepareIpv4(headers) : TryPrepareIpv6(headers);

    private static bool TryPrepareIpv4(Span<byte> header)
    {
        // AH follows the IPv4 header directly, so the bytes in front of it are exactly the header with its options.
        if (header.Length < Ipv4Header.MinLength || (header[Ipv4Header.VersionAndIhlOffset] & 0x0F) * 4 != header.Length)
        {
            return false;
        }

        header[Ipv4Header.TypeOfServiceOffset] = 0;
        header.Slice(Ipv4Header.FlagsAndFragmentOffset, 2).Clear();
        header[Ipv4Header.TimeToLiveOffset] = 0;
        header.Slice(Ipv4Header.ChecksumOffset, 2).Clear();

        Span<byte> options = header[Ipv4Header.MinLength..];
        int offset = 0;
        while (offset < options.Length)
        {
            byte type = options[offset + Ipv4OptionType];
            if (type == OptionEndOfList)
            {
                return true; // what follows is padding, covered as it is
            }

            if (type == OptionNoOperation)
            {
                offset++;
                continue;
            }

            if (offset + Ipv4OptionLength >= options.Length)
            {
                return false;
            }

            int length = options[offset + Ipv4OptionLength];
            if (length < 2 || offset + length > options.Length)
            {
                return false;
            }

            Span<byte> option = options.Slice(offset, length);
            if (!IsImmutableIpv4Option(type))
            {
                // RFC 4302 §3.3.3.1.1.1: the destination the receiver will see is the route's last address. Only while
                // the route is unfinished (pointer within the option): once finished, the field already holds it.
                if (type is OptionLooseSourceRoute or OptionStrictSourceRoute
                    && length >= SourceRouteMinimumLength
                    && option[SourceRoutePointer] <= length)
                {
                    option[^Ipv4AddressLength..].CopyTo(header.Slice(Ipv4Header.DestinationOffset, Ipv4AddressLength));
                }

                option.Clear();
            }

            offset += length;
        }

        return true;
    }

    private static bool IsImmutableIpv4Option(byte type) => type is OptionSecurity or OptionExtendedSecurity
        or OptionCommercialSecurity or OptionRouterAlert or OptionSenderDirectedDelivery;

    private static bool TryPrepareIpv6(Span<byte> headers)
    {
        if (headers.Length < Ipv6Header.Length)
        {
            return false;
        }

        headers[0] &= Ipv6VersionMask;
        headers[1..VersionClassFlowLength].Clear();
        headers[Ipv6Header.HopLimitOffset] = 0;

        var next = (IpProtocol)headers[Ipv6Header.NextHeaderOffset];
        int offset = Ipv6Header.Length;
        while (offset < headers.Length)
        {
            if (headers.Length - offset < OptionsStart)
            {
                return false;
            }

            int length = next == IpProtocol.Fragment ? 8 : (headers[offset + ExtensionLengthField] + 1) * 8;
            if (offset + length > headers.Length)
            {
                return false;
            }

            Span<byte> extension = headers.Slice(offset, length);
            bool prepared = next switch
            {
                IpProtocol.HopByHopOptions or IpProtocol.DestinationOptions => TryZeroMutableOptions(extension[OptionsStart..]),
                IpProtocol.Routing => TryRearrangeRouting(extension, headers.Slice(Ipv6Header.DestinationOffset, Ipv6AddressLength)),
                IpProtocol.Fragment => true,
                _ => false,
            };
            if (!prepared)
            {
                return false;
            }

            next = (IpProtocol)extension[0];
            offset += length;
        }

        return true;
    }

    private static bool TryZeroMutableOptions(Span<byte> options)
    {
        int offset = 0;
        while (offset < options.Length)
        {
            byte type = options[offset];
            if (type == OptionPad1)
            {
                offset++;
                continue;
            }

            if (offset + 1 >= options.Length)
            {
                return false;
            }

            int dataLength = options[offset + 1];
            if (offset + 2 + dataLength > options.Length)
            {
                return false;
            }

            if ((type & OptionMayChangeBit) != 0)
            {
                options.Slice(offset + 2, dataLength).Clear();
            }

            offset += 2 + dataLength;
        }

        return true;
    }

    // As the final destination sees it (RFC 4302 Appendix A.2): the addresses not yet visited move up one place, the
    // current destination takes the first of them, the last becomes the destination, segments left becomes 0.
    private static bool TryRearrangeRouting(Span<byte> routing, Span<byte> destination)
    {
        byte type = routing[RoutingTypeField];
        int segmentsLeft = routing[SegmentsLeftField];
        if (type is not (RoutingType0 or RoutingType2) || segmentsLeft == 0)
        {
            return true;
        }

        int addresses = (routing.Length - RoutingAddressesStart) / Ipv6AddressLength;
        if (segmentsLeft > addresses)
        {
            return false;
        }

        Span<byte> unvisited = routing.Slice(
            RoutingAddressesStart + ((addresses - segmentsLeft) * Ipv6AddressLength), segmentsLeft * Ipv6AddressLength);
        Span<byte> finalAddress = stackalloc byte[Ipv6AddressLength];
        unvisited[^Ipv6AddressLength..].CopyTo(finalAddress);
        unvisited[..^Ipv6AddressLength].CopyTo(unvisited[Ipv6AddressLength..]);
        destination.CopyTo(unvisited);
        finalAddress.CopyTo(destination);
        routing[SegmentsLeftField] = 0;
        return true;
    }
}
