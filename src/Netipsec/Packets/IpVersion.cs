namespace Netipsec.Packets;

/// <summary>The IP version of an address, header or selector; the value is the header's version nibble.</summary>
public enum IpVersion : byte
{
    /// <summary>No version: an unset address.</summary>
    None = 0,
    V4 = 4,
    V6 = 6,
}
