namespace Netipsec.PfKey.Tests.Setkey;

/// <summary>A clock at a fixed UTC time that a test moves, with UTC as its local zone so printed times are fixed.</summary>
internal sealed class UtcClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
