namespace Netipsec.States;

/// <summary>How an SA wraps the packet (RFC 4301 §4.1; BEET is RFC 7402).</summary>
public enum XfrmMode : byte
{
    Transport = 0,
    Tunnel = 1,
    Beet = 4,
}
