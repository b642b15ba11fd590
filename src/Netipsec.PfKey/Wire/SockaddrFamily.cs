namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sa_family</c> of the sockaddrs inside PF_KEY extensions, with Linux's values (<c>AF_INET6</c> is 10 on Linux,
/// not the 24, 28 or 30 of the BSDs).
/// </summary>
public enum SockaddrFamily : ushort
{
    Unspecified = 0,
    Inet = 2,
    Inet6 = 10,
}
