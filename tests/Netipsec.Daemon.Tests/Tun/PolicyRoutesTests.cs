using Microsoft.Extensions.Logging.Abstractions;
using Netipsec.Daemon.Tun;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Daemon.Tests.Tun;

public sealed class PolicyRoutesTests
{
    private static readonly IpAddress Local = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress Peer = IpAddress.Parse("192.0.2.2");

    [Fact]
    public void Only_the_remote_subnets_of_outbound_tunnel_policies_are_routed()
    {
        SecurityPolicy[] policies =
        [
            Tunnel(PolicyDirection.Out, "10.1.0.0/24", "10.2.0.0/16"),
            Tunnel(PolicyDirection.In, "10.2.0.0/16", "10.1.0.0/24"),
            Tunnel(PolicyDirection.Fwd, "10.2.0.0/16", "10.1.0.0/24"),
            new(PolicyDirection.Out, Selector("10.1.0.0/24", "10.3.0.0/24"), PolicyAction.Ipsec, [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport)]),
            new(PolicyDirection.Out, Selector("10.1.0.0/24", "10.4.0.0/24"), PolicyAction.Bypass),
            new(PolicyDirection.Out, Selector("10.1.0.0/24", "10.5.0.0/24"), PolicyAction.Block),
            Tunnel(PolicyDirection.Out, "2001:db8:1::/64", "2001:db8:2::/64"),
        ];

        HashSet<TunRoute> desired = PolicyRoutes.Desired(policies, XfrmMode.Tunnel);

        Assert.True(desired.SetEquals([Route("10.2.0.0/16"), Route("2001:db8:2::/64")]), string.Join(", ", desired));
    }

    [Fact]
    public void A_subnet_holding_its_own_tunnel_endpoint_is_not_routed_it_would_loop()
    {
        List<TunRoute> looping = [];

        HashSet<TunRoute> desired = PolicyRoutes.Desired([Tunnel(PolicyDirection.Out, "10.1.0.0/24", "0.0.0.0/0")], XfrmMode.Tunnel, looping);

        Assert.Empty(desired);
        Assert.Equal([Route("0.0.0.0/0")], looping);
    }

    [Fact]
    public void Routes_follow_the_policies_and_all_go_when_the_daemon_stops()
    {
        var table = new RecordingRouteTable();
        var routes = new PolicyRoutes(table, XfrmMode.Tunnel, NullLogger.Instance);
        SecurityPolicy first = Tunnel(PolicyDirection.Out, "10.1.0.0/24", "10.2.0.0/24");
        SecurityPolicy second = Tunnel(PolicyDirection.Out, "10.1.0.0/24", "10.3.0.0/24");

        routes.Synchronize([first, second]);
        routes.Synchronize([second]);
        routes.Synchronize([second]);
        routes.RemoveAll();

        Assert.Equal(4, table.Calls.Count);
        Assert.Equal(["add 10.2.0.0/24", "add 10.3.0.0/24"], table.Calls.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal(["delete 10.2.0.0/24", "delete 10.3.0.0/24"], table.Calls.Skip(2));
        Assert.Empty(routes.Installed);
    }

    [Fact]
    public void A_refused_route_is_retried_on_the_next_change_and_never_recorded_as_installed()
    {
        var table = new RecordingRouteTable { Refuse = true };
        var routes = new PolicyRoutes(table, XfrmMode.Tunnel, NullLogger.Instance);
        SecurityPolicy policy = Tunnel(PolicyDirection.Out, "10.1.0.0/24", "10.2.0.0/24");

        routes.Synchronize([policy]);
        Assert.Empty(routes.Installed);
        table.Refuse = false;
        routes.Synchronize([policy]);

        Assert.Equal([Route("10.2.0.0/24")], routes.Installed);
        Assert.Equal(["add 10.2.0.0/24", "add 10.2.0.0/24"], table.Calls);
    }

    [Fact]
    public void Transport_mode_routes_the_destination_of_outbound_policies_whose_templates_are_all_transport_from_a_one_address_source()
    {
        SecurityPolicy[] policies =
        [
            Transport(PolicyDirection.Out, "192.0.2.1/32", "192.0.2.2/32"),
            Transport(PolicyDirection.Out, "192.0.2.0/24", "198.51.100.77/24"),
            Transport(PolicyDirection.Out, "192.0.2.3/32", "192.0.2.2/32"),
            Transport(PolicyDirection.In, "192.0.2.2/32", "192.0.2.1/32"),
            Transport(PolicyDirection.Out, "2001:db8::1/128", "2001:db8::2/128"),
            Tunnel(PolicyDirection.Out, "10.1.0.0/24", "10.2.0.0/16"),
            new(PolicyDirection.Out, Selector("10.1.0.0/24", "10.3.0.0/24"), PolicyAction.Ipsec,
                [new PolicyTemplate(IpsecProtocol.IpComp, XfrmMode.Tunnel) { TunnelSource = Local, TunnelDestination = Peer }, new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport)]),
            new(PolicyDirection.Out, Selector("10.1.0.0/24", "10.4.0.0/24"), PolicyAction.Ipsec, [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Beet)]),
            new(PolicyDirection.Out, Selector("192.0.2.1/32", "203.0.113.0/24"), PolicyAction.Bypass),
        ];

        HashSet<TunRoute> desired = PolicyRoutes.Desired(policies, XfrmMode.Transport);

        Assert.True(
            desired.SetEquals([Route("192.0.2.2/32", "192.0.2.1"), Route("198.51.100.0/24"), Route("2001:db8::2/128", "2001:db8::1")]),
            string.Join(", ", desired));
        Assert.Contains(Route("10.3.0.0/24"), PolicyRoutes.Desired(policies, XfrmMode.Tunnel));
    }

    [Fact]
    public void A_transport_route_to_the_peer_is_not_refused_as_a_loop_the_daemons_marked_packets_skip_its_table()
    {
        var table = new RecordingRouteTable();
        var routes = new PolicyRoutes(table, XfrmMode.Transport, NullLogger.Instance);

        routes.Synchronize([Transport(PolicyDirection.Out, "192.0.2.1/32", "192.0.2.2/32")]);

        Assert.Equal(["add 192.0.2.2/32 src 192.0.2.1"], table.Calls);
    }

    [Fact]
    public void Covers_answers_for_the_routes_installed_now()
    {
        var routes = new PolicyRoutes(new RecordingRouteTable(), XfrmMode.Transport, NullLogger.Instance);
        SecurityPolicy policy = Transport(PolicyDirection.Out, "192.0.2.1/32", "198.51.100.0/24");

        Assert.False(routes.Covers(IpAddress.Parse("198.51.100.9")));
        routes.Synchronize([policy]);
        Assert.True(routes.Covers(IpAddress.Parse("198.51.100.9")));
        Assert.False(routes.Covers(IpAddress.Parse("198.51.101.9")));
        Assert.False(routes.Covers(IpAddress.Parse("2001:db8::9")));
        routes.Synchronize([]);
        Assert.False(routes.Covers(IpAddress.Parse("198.51.100.9")));
        routes.Synchronize([policy]);
        routes.RemoveAll();
        Assert.False(routes.Covers(IpAddress.Parse("198.51.100.9")));
    }

    private static TunRoute Route(string destination, string? source = null) =>
        new(IpPrefix.Parse(destination), source is null ? default : IpAddress.Parse(source));

    private static SecurityPolicy Transport(PolicyDirection direction, string source, string destination) =>
        new(direction, Selector(source, destination), PolicyAction.Ipsec, [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport)]);

    private static Selector Selector(string source, string destination) => new(IpPrefix.Parse(source), IpPrefix.Parse(destination));

    private static SecurityPolicy Tunnel(PolicyDirection direction, string source, string destination)
    {
        bool v4 = source.Contains('.', StringComparison.Ordinal);
        IpAddress local = v4 ? Local : IpAddress.Parse("2001:db8:ff::1");
        IpAddress peer = v4 ? Peer : IpAddress.Parse("2001:db8:ff::2");
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel)
        {
            TunnelSource = direction == PolicyDirection.Out ? local : peer,
            TunnelDestination = direction == PolicyDirection.Out ? peer : local,
        };
        return new SecurityPolicy(direction, Selector(source, destination), PolicyAction.Ipsec, [template]);
    }

    private sealed class RecordingRouteTable : IRouteTable
    {
        public List<string> Calls { get; } = [];

        public bool Refuse { get; set; }

        public int Add(TunRoute route)
        {
            Calls.Add($"add {route}");
            return Refuse ? 1 : 0;
        }

        public int Delete(TunRoute route)
        {
            Calls.Add($"delete {route}");
            return 0;
        }
    }
}
