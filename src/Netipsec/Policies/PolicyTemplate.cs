using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Policies;

/// <summary>
/// One transform an IPsec policy asks for (Linux's xfrm_tmpl, PF_KEY's sadb_x_ipsecrequest): the protocol, mode,
/// tunnel endpoints, reqid and which algorithms are acceptable.
/// </summary>
public sealed record PolicyTemplate(IpsecProtocol Protocol, XfrmMode Mode)
{
    /// <summary>Outer source of a tunnel (unset for transport, where the packet's own addresses are used).</summary>
    public IpAddress TunnelSource { get; init; }

    /// <summary>Outer destination of a tunnel (unset for transport).</summary>
    public IpAddress TunnelDestination { get; init; }

    /// <summary>Binds the template to SAs of the same reqid; 0 means any SA fits.</summary>
    public uint ReqId { get; init; }

    /// <summary>A specific SPI the SA must have, or 0 for any.</summary>
    public uint Spi { get; init; }

    public TemplateLevel Level { get; init; } = TemplateLevel.Require;

    /// <summary>Bit n set = PF_KEY authentication algorithm id n is acceptable (Linux's aalgos); all bits by default.</summary>
    public ulong AllowedAuthAlgorithms { get; init; } = ulong.MaxValue;

    /// <summary>Bit n set = PF_KEY encryption algorithm id n is acceptable (Linux's ealgos).</summary>
    public ulong AllowedEncryptAlgorithms { get; init; } = ulong.MaxValue;

    /// <summary>Bit n set = PF_KEY compression algorithm id n is acceptable (Linux's calgos).</summary>
    public ulong AllowedCompressAlgorithms { get; init; } = ulong.MaxValue;

    /// <summary>True when inbound processing may skip this template (level "use").</summary>
    public bool IsOptional => Level == TemplateLevel.Use;

    /// <summary>
    /// Linux's aalgos/ealgos/calgos test: whether the bitmap <paramref name="allowed"/> (one of the Allowed*Algorithms)
    /// permits the PF_KEY algorithm <paramref name="id"/> (0 = none). Ids from 64 up have no bit, so only a bitmap
    /// that restricts nothing (all ones) allows them.
    /// </summary>
    public static bool IsAllowed(ulong allowed, int id) => id >= 64 ? allowed == ulong.MaxValue : ((allowed >> id) & 1) != 0;
}
