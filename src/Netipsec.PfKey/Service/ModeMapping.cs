using Netipsec.PfKey.Wire;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>IPSEC_MODE_* (SA2 and policy requests) ↔ <see cref="XfrmMode"/>; the numbers differ (KAME vs XFRM).</summary>
internal static class ModeMapping
{
    /// <param name="mode">The wire mode.</param>
    /// <param name="allowAny">SA2 takes ANY as transport (Linux); a policy request must name its mode.</param>
    /// <param name="core">The mode, when known.</param>
    public static bool TryToCore(IpsecMode mode, bool allowAny, out XfrmMode core)
    {
        (bool known, core) = mode switch
        {
            IpsecMode.Any when allowAny => (true, XfrmMode.Transport),
            IpsecMode.Transport => (true, XfrmMode.Transport),
            IpsecMode.Tunnel => (true, XfrmMode.Tunnel),
            IpsecMode.Beet => (true, XfrmMode.Beet),
            _ => (false, XfrmMode.Transport),
        };
        return known;
    }

    public static IpsecMode ToWire(XfrmMode mode) => mode switch
    {
        XfrmMode.Tunnel => IpsecMode.Tunnel,
        XfrmMode.Beet => IpsecMode.Beet,
        _ => IpsecMode.Transport,
    };
}
