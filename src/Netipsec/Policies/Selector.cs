using System.Globalization;
using System.Text;
using Netipsec.Packets;

namespace Netipsec.Policies;

/// <summary>
/// Which traffic a policy (or a tunnel-mode SA's inner side) covers: RFC 4301 §4.4.1.1 selectors, matched the way
/// Linux's xfrm_selector_match does.
/// </summary>
/// <remarks>
/// Ports match under a mask (<c>(flow ^ port) &amp; mask == 0</c>), so a mask of 0 is "any port" and 0xFFFF one port.
/// For ICMP/ICMPv6 the source port holds the type and the destination port the code, as in <see cref="Flow"/>.
/// A null protocol and an interface index of 0 match anything.
/// </remarks>
public sealed record Selector
{
    public Selector(IpPrefix source, IpPrefix destination)
    {
        if (source.Version != destination.Version)
        {
            throw new ArgumentException("A selector's source and destination must be of one IP version.", nameof(destination));
        }

        Source = source;
        Destination = destination;
    }

    public IpPrefix Source { get; init; }

    public IpPrefix Destination { get; init; }

    public IpVersion Version => Source.Version;

    public ushort SourcePort { get; init; }

    public ushort SourcePortMask { get; init; }

    public ushort DestinationPort { get; init; }

    public ushort DestinationPortMask { get; init; }

    /// <summary>The upper-layer protocol, or null for any.</summary>
    public IpProtocol? Protocol { get; init; }

    /// <summary>The interface the traffic uses, or 0 for any.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>Everything of one IP version.</summary>
    public static Selector Any(IpVersion version) => new(IpPrefix.Any(version), IpPrefix.Any(version));

    /// <summary>A selector for exactly one source and one destination port (0 = any port).</summary>
    public Selector WithPorts(ushort sourcePort, ushort destinationPort) => this with
    {
        SourcePort = sourcePort,
        SourcePortMask = sourcePort == 0 ? (ushort)0 : ushort.MaxValue,
        DestinationPort = destinationPort,
        DestinationPortMask = destinationPort == 0 ? (ushort)0 : ushort.MaxValue,
    };

    /// <summary>An ICMP/ICMPv6 type and, optionally, code (RFC 4301 §4.4.1.1 "ICMP message type and code").</summary>
    public Selector WithIcmp(byte type, byte? code = null) => this with
    {
        SourcePort = type,
        SourcePortMask = ushort.MaxValue,
        DestinationPort = code ?? 0,
        DestinationPortMask = code is null ? (ushort)0 : ushort.MaxValue,
    };

    public bool Matches(in Flow flow) =>
        flow.Source.Version == Source.Version
        && Destination.Address.SharesPrefix(flow.Destination, Destination.Length)
        && Source.Address.SharesPrefix(flow.Source, Source.Length)
        && ((flow.DestinationPort ^ DestinationPort) & DestinationPortMask) == 0
        && ((flow.SourcePort ^ SourcePort) & SourcePortMask) == 0
        && (Protocol is null || Protocol == flow.Protocol)
        && (InterfaceIndex == 0 || InterfaceIndex == flow.InterfaceIndex);

    /// <summary>setkey-like text: <c>src[port] dst[port] proto</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Source.ToString()).Append(FormatPort(SourcePort, SourcePortMask))
            .Append(' ').Append(Destination.ToString()).Append(FormatPort(DestinationPort, DestinationPortMask))
            .Append(' ').Append(Protocol is { } protocol ? protocol.ToString().ToLowerInvariant() : "any");
        if (InterfaceIndex != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" dev #{InterfaceIndex}");
        }

        return text.ToString();
    }

    private static string FormatPort(ushort port, ushort mask) => mask switch
    {
        0 => "[any]",
        ushort.MaxValue => string.Create(CultureInfo.InvariantCulture, $"[{port}]"),
        _ => string.Create(CultureInfo.InvariantCulture, $"[{port}/0x{mask:x4}]"),
    };
}
