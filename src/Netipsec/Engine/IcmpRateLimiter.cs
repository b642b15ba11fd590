namespace Netipsec.Engine;

/// <summary>
/// A token bucket for the ICMP errors the engine originates (RFC 4443 §2.4(f) requires limiting them; RFC 1812
/// §4.3.2.8 recommends it): up to <c>burst</c> at once, refilled at <c>perSecond</c>.
/// </summary>
/// <remarks>Thread-safe; only the rare too-big path takes its lock.</remarks>
internal sealed class IcmpRateLimiter
{
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilledAt;

    public IcmpRateLimiter(TimeProvider time, double perSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        _time = time;
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Takes one token: true when an error may be sent now.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
