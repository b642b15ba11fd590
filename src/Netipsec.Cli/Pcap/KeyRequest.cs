namespace Netipsec.Cli.Pcap;

/// <summary>One PF_KEY request message of a key or configuration file, with the line it came from (for errors).</summary>
internal readonly record struct KeyRequest(ReadOnlyMemory<byte> Message, int Line);
