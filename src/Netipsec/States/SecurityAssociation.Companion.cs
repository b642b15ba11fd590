namespace Netipsec.States;

public sealed partial class SecurityAssociation
{
    /// <summary>
    /// For an IPComp tunnel SA, the state that stands for the plain IP-in-IP packets it sends when a payload does not
    /// compress (RFC 3173 §2.2; Linux's companion IPIP state, x->tunnel, made by ipcomp_tunnel_attach). The receiver
    /// records it in the secpath of such a packet; like Linux's kernel-owned state it satisfies only an optional
    /// template whose endpoints match. Never in the SAD; null for every other SA.
    /// </summary>
    internal SecurityAssociation? TunnelCompanion { get; private set; }

    /// <summary>True for the <see cref="TunnelCompanion"/> of an IPComp tunnel SA.</summary>
    internal bool IsTunnelCompanion { get; private init; }

    /// <summary>Creates the companion of an IPComp tunnel SA being activated: same endpoints, reqid and inner selector.</summary>
    private void AttachTunnelCompanion()
    {
        if (Protocol != IpsecProtocol.IpComp || Mode != XfrmMode.Tunnel)
        {
            return;
        }

        TunnelCompanion = new SecurityAssociation(Id, Source, XfrmMode.Tunnel)
        {
            ReqId = ReqId,
            InnerSelector = InnerSelector,
            Current = new LifetimeCurrent(Current.AddTime),
            IsTunnelCompanion = true,
            _installed = true,
            _state = SaState.Mature,
        };
    }
}
