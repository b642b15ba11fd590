namespace Netipsec.Cli.Pcap;

/// <summary>The link-layer header types (tcpdump.org LINKTYPE_ values) the pcap tools read and write.</summary>
internal enum PcapLinkType : uint
{
    /// <summary>LINKTYPE_ETHERNET: IEEE 802.3 Ethernet II frames.</summary>
    Ethernet = 1,

    /// <summary>LINKTYPE_RAW: bare IPv4 or IPv6 packets, told apart by the version nibble.</summary>
    Raw = 101,
}
