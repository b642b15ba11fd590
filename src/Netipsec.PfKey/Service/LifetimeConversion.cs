using Netipsec.PfKey.Wire;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// <c>sadb_lifetime</c> ↔ <see cref="LifetimeLimits"/>/<see cref="LifetimeCurrent"/>. Allocations are packets, as
/// Linux counts them (af_key.c keeps sadb_lifetime_allocations in the packet limit); times are whole seconds.
/// </summary>
internal static class LifetimeConversion
{
    /// <summary>
    /// 1,000 years. Longer limits are held as this, which no SA reaches, so that deadlines (add time + limit) stay
    /// inside <see cref="DateTimeOffset"/>'s range whatever a client asks for.
    /// </summary>
    private const ulong MaxSeconds = 1000UL * 366 * 24 * 3600;

    public static LifetimeLimits ToLimits(scoped in PfKeyMessage message, ExtensionType type) =>
        message.TryGetLifetime(type, out LifetimeExtension lifetime)
            ? new LifetimeLimits(lifetime.Bytes, lifetime.Allocations, Seconds(lifetime.AddTime), Seconds(lifetime.UseTime))
            : LifetimeLimits.None;

    public static LifetimeExtension ToExtension(LifetimeLimits limits) =>
        new((uint)Math.Min(limits.Packets, uint.MaxValue), limits.Bytes, (ulong)limits.AddExpiry.TotalSeconds, (ulong)limits.UseExpiry.TotalSeconds);

    /// <summary>LIFETIME_CURRENT: counts so far and absolute add and first-use times (0 = not used yet).</summary>
    public static LifetimeExtension ToExtension(LifetimeCurrent current) =>
        new(
            (uint)Math.Min(current.Packets, uint.MaxValue),
            current.Bytes,
            (ulong)Math.Max(0, current.AddTime.ToUnixTimeSeconds()),
            current.UseTime is { } used ? (ulong)Math.Max(0, used.ToUnixTimeSeconds()) : 0);

    private static TimeSpan Seconds(ulong seconds) => TimeSpan.FromSeconds(Math.Min(seconds, MaxSeconds));
}
