namespace Netipsec.PfKey.Tests.Service;

/// <summary>A clock that moves only when a test advances it; the databases read nothing but the time of day.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
