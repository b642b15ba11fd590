namespace Netipsec.States;

/// <summary>
/// One set of lifetime limits (the soft or the hard one) of an SA or a policy, as PF_KEY's sadb_lifetime carries
/// them. Zero means "no limit" for every field.
/// </summary>
public readonly record struct LifetimeLimits(ulong Bytes, ulong Packets, TimeSpan AddExpiry, TimeSpan UseExpiry)
{
    /// <summary>No limits at all.</summary>
    public static LifetimeLimits None => default;

    public bool IsUnlimited => Bytes == 0 && Packets == 0 && AddExpiry == TimeSpan.Zero && UseExpiry == TimeSpan.Zero;

    /// <summary>True when no limit set here exceeds the same limit of <paramref name="hard"/>, where that one is set (PF_KEY's soft ≤ hard).</summary>
    public bool FitsWithin(LifetimeLimits hard) =>
        Fits(Bytes, hard.Bytes) && Fits(Packets, hard.Packets)
        && Fits((ulong)AddExpiry.Ticks, (ulong)hard.AddExpiry.Ticks) && Fits((ulong)UseExpiry.Ticks, (ulong)hard.UseExpiry.Ticks);

    private static bool Fits(ulong soft, ulong hard) => hard == 0 || soft <= hard;

    /// <summary>True when the byte or packet count has reached a limit set here.</summary>
    public bool IsReachedByCount(ulong bytes, ulong packets) =>
        (Bytes != 0 && bytes >= Bytes) || (Packets != 0 && packets >= Packets);

    /// <summary>
    /// The moment the time limits run out, given when the owner was added and first used (null when unused);
    /// <see cref="DateTimeOffset.MaxValue"/> when no time limit applies yet.
    /// </summary>
    public DateTimeOffset Deadline(DateTimeOffset addTime, DateTimeOffset? useTime)
    {
        DateTimeOffset deadline = DateTimeOffset.MaxValue;
        if (AddExpiry > TimeSpan.Zero)
        {
            deadline = addTime + AddExpiry;
        }

        if (UseExpiry > TimeSpan.Zero && useTime is { } used && used + UseExpiry < deadline)
        {
            deadline = used + UseExpiry;
        }

        return deadline;
    }
}
