using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// SA lifetimes under real traffic (RFC 2367 §3.1.8, RFC 4301 §4.4.2.1): pings from west wear down the byte
/// limits of the west-to-east SA on the east end; a registered key manager hears the soft EXPIRE while the pings
/// still get through, then the hard EXPIRE, after which east no longer has the SA and drops west's ESP as no-state.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class LifetimeTests(LifetimePair pair) : IClassFixture<LifetimePair>
{
    // Each ping request is over 100 bytes of ESP: the hard limit is reached well within this many.
    private const int MostPings = 4 * LifetimePair.HardBytes / 100;

    [NetnsFact]
    public void Under_traffic_a_key_manager_hears_the_soft_expiry_then_the_hard_one_after_which_west_traffic_is_dropped_as_no_state()
    {
        using var keyManager = new PfKeyListener(pair.EastDaemon);

        (byte[]? soft, int answered, int unanswered) = PingUntilExpiry(keyManager, ExtensionType.LifetimeSoft);
        Assert.True(soft is not null, $"no soft EXPIRE after {answered + unanswered} pings:\n{pair.EastDaemon.Query("show state")}");
        Assert.Equal(0, unanswered); // the soft limit only warns
        Assert.True(answered > 1);
        AssertExpiry(soft, ExtensionType.LifetimeSoft, LifetimePair.SoftBytes);

        (byte[]? hard, answered, unanswered) = PingUntilExpiry(keyManager, ExtensionType.LifetimeHard);
        Assert.True(hard is not null, $"no hard EXPIRE after {answered + unanswered} more pings:\n{pair.EastDaemon.Query("show state")}");
        Assert.True(answered > 0, "no ping got through between the soft and the hard expiry");
        Assert.True(unanswered <= 1, $"{unanswered} pings went unanswered before the hard expiry"); // the one that reached it, at most
        AssertExpiry(hard, ExtensionType.LifetimeHard, LifetimePair.HardBytes);

        var watch = new CounterWatch(pair);
        (int code, string output) = Shell.InNamespace(pair.West.Name, "ping", "-c", "3", "-W", "1", "-I", "10.1.0.1", "10.2.0.1");
        Assert.True(code != 0, "pings crossed after the hard expiry: " + output);
        Assert.True(Shell.Eventually(() => watch.East("XfrmInNoStates") >= 3), pair.EastDaemon.Query("stats"));
        Assert.Equal(0, watch.East("TunWritten"));
        Assert.DoesNotContain("spi 0x0000b101", pair.EastDaemon.Query("show state"), StringComparison.Ordinal);
        Assert.Equal(0, watch.East("XfrmInStateProtoError"));
    }

    /// <summary>Pings west to east one at a time until the key manager hears an EXPIRE of the west-to-east SA carrying <paramref name="kind"/>.</summary>
    private (byte[]? Expire, int Answered, int Unanswered) PingUntilExpiry(PfKeyListener keyManager, ExtensionType kind)
    {
        int answered = 0;
        int unanswered = 0;
        for (int i = 0; i < MostPings; i++)
        {
            if (Shell.InNamespace(pair.West.Name, "ping", "-c", "1", "-W", "1", "-I", "10.1.0.1", "10.2.0.1").ExitCode == 0)
            {
                answered++;
            }
            else
            {
                unanswered++;
            }

            byte[]? expire = keyManager.WaitFor(
                message => message.Header.Type == MessageType.Expire && PfKeyListener.SpiOf(message) == LifetimePair.WestToEast && message.Contains(kind),
                TimeSpan.FromMilliseconds(50));
            if (expire is not null)
            {
                return (expire, answered, unanswered);
            }
        }

        return (null, answered, unanswered);
    }

    /// <summary>The EXPIRE names the limit that ran out, and the SA's byte count has reached it.</summary>
    private static void AssertExpiry(byte[] expire, ExtensionType kind, ulong limit)
    {
        PfKeyMessage message = PfKeyListener.Parse(expire);
        Assert.True(message.TryGetLifetime(kind, out LifetimeExtension limits));
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current));
        Assert.Equal(limit, limits.Bytes);
        Assert.True(current.Bytes >= limit, $"{kind} EXPIRE with {current.Bytes} bytes counted, below {limit}");
    }
}
