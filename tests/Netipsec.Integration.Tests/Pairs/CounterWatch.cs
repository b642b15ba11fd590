namespace Netipsec.Integration.Tests.Pairs;

/// <summary>Counters of both daemons (control socket <c>stats</c>) taken once, to compare with later readings.</summary>
internal sealed class CounterWatch(GatewayPair pair)
{
    private readonly string _west = pair.WestDaemon.Query("stats");
    private readonly string _east = pair.HasEastDaemon ? pair.EastDaemon.Query("stats") : string.Empty;

    /// <summary>How far <paramref name="counter"/> of the west daemon moved since this watch began.</summary>
    public long West(string counter) => TunnelTests.Counter(pair.WestDaemon.Query("stats"), counter) - TunnelTests.Counter(_west, counter);

    /// <summary>How far <paramref name="counter"/> of the east daemon moved since this watch began.</summary>
    public long East(string counter) => TunnelTests.Counter(pair.EastDaemon.Query("stats"), counter) - TunnelTests.Counter(_east, counter);

    /// <summary>Fails unless none of the inbound error counters of either daemon moved.</summary>
    public void AssertNoInboundErrors()
    {
        foreach (string counter in new[] { "XfrmInNoStates", "XfrmInStateProtoError", "XfrmInStateSeqError", "XfrmInTmplMismatch", "XfrmInNoPols", "XfrmInStateMismatch", "WireMalformed" })
        {
            Assert.True(West(counter) == 0, $"west {counter} moved:\n{pair.WestDaemon.Query("stats")}");
            Assert.True(East(counter) == 0, $"east {counter} moved:\n{pair.EastDaemon.Query("stats")}");
        }
    }
}
