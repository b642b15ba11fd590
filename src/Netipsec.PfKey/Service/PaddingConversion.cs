using Netipsec.States;
using WireSaFlags = Netipsec.PfKey.Wire.SaFlags;

namespace Netipsec.PfKey.Service;

/// <summary>
/// KAME's ESP padding field of <c>sadb_sa_flags</c> (SADB_X_EXT_PMASK) ↔ <see cref="EspPadding"/>: no bit is the
/// default 1, 2, 3, ..., SADB_X_EXT_PRAND random bytes, SADB_X_EXT_PZERO zeros.
/// </summary>
internal static class PaddingConversion
{
    /// <summary>SADB_X_EXT_PMASK: both padding bits; a request with both set is refused.</summary>
    public const WireSaFlags Mask = WireSaFlags.PaddingRandom | WireSaFlags.PaddingZero;

    /// <summary>The padding the field of <paramref name="flags"/> names; callers refuse both bits set first.</summary>
    public static EspPadding ToCore(WireSaFlags flags) => (flags & Mask) switch
    {
        WireSaFlags.PaddingRandom => EspPadding.Random,
        WireSaFlags.PaddingZero => EspPadding.Zero,
        _ => EspPadding.Sequential,
    };

    /// <summary>The flag bit for <paramref name="padding"/>; none for the default.</summary>
    public static WireSaFlags ToFlags(EspPadding padding) => padding switch
    {
        EspPadding.Random => WireSaFlags.PaddingRandom,
        EspPadding.Zero => WireSaFlags.PaddingZero,
        _ => WireSaFlags.None,
    };
}
