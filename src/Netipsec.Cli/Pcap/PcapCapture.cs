namespace Netipsec.Cli.Pcap;

/// <summary>A whole classic libpcap capture: its link type, snapshot length and records in file order.</summary>
internal sealed record PcapCapture(PcapLinkType LinkType, uint SnapLength, IReadOnlyList<PcapRecord> Records);
