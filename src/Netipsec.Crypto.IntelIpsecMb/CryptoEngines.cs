using Netipsec.Transforms;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>The crypto engines in order of preference on this machine: native first, portable as the fallback.</summary>
public static class CryptoEngines
{
    /// <summary>
    /// <see cref="IntelIpsecMbEngine.Preferred"/> when it is available, then <see cref="PortableCryptoEngine.Instance"/>
    /// for whatever the native engine does not run (or for everything when it is unavailable).
    /// </summary>
    public static IReadOnlyList<ICryptoEngine> Default { get; } = IntelIpsecMbEngine.IsAvailable
        ? [IntelIpsecMbEngine.Preferred, PortableCryptoEngine.Instance]
        : [PortableCryptoEngine.Instance];

    /// <summary>Every transform Netipsec ships (ESP, AH, IPComp) with keys from <see cref="Default"/>.</summary>
    public static XfrmTypeRegistry CreateRegistry() => XfrmTypeRegistry.Create(Default);
}
