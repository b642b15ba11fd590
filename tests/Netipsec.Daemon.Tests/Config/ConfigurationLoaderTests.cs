using Netipsec.Daemon.Config;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Tests.Config;

public sealed class ConfigurationLoaderTests
{
    private const string OutKey = "0x00000000000000000000000000000000000000a1";
    private const string InKey = "0x00000000000000000000000000000000000000b2";

    private static readonly string Tunnel = $"""
        # west gateway
        flush;
        spdflush;
        add 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -E aes-gcm-16 {OutKey};
        add 192.0.2.2 192.0.2.1 esp 0x2002 -m tunnel -E aes-gcm-16 {InKey};
        spdadd 10.1.0.0/24 10.2.0.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
        spdadd 10.2.0.0/24 10.1.0.0/24 any -P in ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
        spdadd 10.2.0.0/24 10.1.0.0/24 any -P fwd ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
        """;

    private readonly XfrmEngine _engine = new(TimeProvider.System, XfrmTypeRegistry.CreateDefault());
    private readonly ConfigurationLoader _loader;

    public ConfigurationLoaderTests() => _loader = new ConfigurationLoader(_engine, new PfKeyService(_engine));

    [Fact]
    public void A_configuration_installs_its_SAs_and_policies()
    {
        ConfigurationOutcome outcome = _loader.ApplySource(Tunnel, "west.conf");

        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        Assert.Equal((5, 0, 0), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Equal(2, _engine.States.Count);
        Assert.Equal(3, _engine.Policies.Count);
        Assert.True(_engine.States.TryLookupBySpi(IpAddress.Parse("192.0.2.2"), 0x1001, IpsecProtocol.Esp, out SecurityAssociation? sa));
        Assert.Equal(XfrmMode.Tunnel, sa.Mode);
    }

    [Fact]
    public void A_syntax_error_refuses_the_whole_file_with_name_line_and_column()
    {
        string broken = Tunnel + "\nspdadd 10.3.0.0/24 10.4.0.0/24 any -P sideways ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;\n";

        ConfigurationOutcome outcome = _loader.ApplySource(broken, "west.conf");

        Assert.True(outcome.Refused);
        string error = Assert.Single(outcome.Errors);
        Assert.StartsWith("west.conf:9:", error, StringComparison.Ordinal);
        Assert.Contains("direction", error, StringComparison.Ordinal);
        AssertEmpty();
    }

    [Fact]
    public void A_statement_PF_KEY_refuses_refuses_the_whole_file_at_that_statement()
    {
        string duplicate = Tunnel + $"\n   add 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -E aes-gcm-16 {OutKey};\n";

        ConfigurationOutcome outcome = _loader.ApplySource(duplicate, "west.conf");

        Assert.True(outcome.Refused);
        Assert.Equal("west.conf:9:4: add refused: Exists", Assert.Single(outcome.Errors));
        AssertEmpty();
    }

    [Fact]
    public void Deleteall_is_refused_in_a_configuration_file()
    {
        ConfigurationOutcome outcome = _loader.ApplySource("deleteall 192.0.2.1 192.0.2.2 esp;\n", "x.conf");

        Assert.True(outcome.Refused);
        Assert.StartsWith("x.conf:1:1: deleteall is not supported", Assert.Single(outcome.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Reloading_the_same_file_keeps_every_SA_and_policy_running()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        IReadOnlyList<SecurityAssociation> states = _engine.States.Dump();
        IReadOnlyList<SecurityPolicy> policies = _engine.Policies.Dump();
        Assert.True(_engine.States.TryAssignSequence(states[0], out ulong before));

        ConfigurationOutcome outcome = _loader.ApplySource(Tunnel, "west.conf");

        Assert.Equal((0, 0, 5), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Equal(states, _engine.States.Dump(), ReferenceEqualityComparer.Instance);
        Assert.Equal(policies, _engine.Policies.Dump(), ReferenceEqualityComparer.Instance);
        Assert.True(_engine.States.TryAssignSequence(states[0], out ulong after));
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public void A_changed_key_replaces_only_that_SA()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        SecurityAssociation unchanged = State(0x2002);
        SecurityAssociation old = State(0x1001);

        ConfigurationOutcome outcome = _loader.ApplySource(Tunnel.Replace(OutKey, "0x00000000000000000000000000000000000000c3", StringComparison.Ordinal), "west.conf");

        Assert.Equal((1, 1, 4), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Same(unchanged, State(0x2002));
        Assert.NotSame(old, State(0x1001));
        Assert.Equal(0xC3, State(0x1001).Encryption!.Key[^1]);
    }

    [Fact]
    public void A_changed_padding_option_replaces_only_that_SA()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        SecurityAssociation unchanged = State(0x2002);
        SecurityAssociation old = State(0x1001);

        ConfigurationOutcome outcome = _loader.ApplySource(
            Tunnel.Replace("esp 0x1001 -m tunnel", "esp 0x1001 -m tunnel -f random-pad", StringComparison.Ordinal), "west.conf");

        Assert.Equal((1, 1, 4), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Same(unchanged, State(0x2002));
        Assert.NotSame(old, State(0x1001));
        Assert.Equal(EspPadding.Random, State(0x1001).Padding);
    }

    [Fact]
    public void What_went_from_the_file_goes_from_the_databases_and_what_is_new_comes()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        string edited = Tunnel
            .Replace("spdadd 10.2.0.0/24 10.1.0.0/24 any -P fwd ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;", "", StringComparison.Ordinal)
            + "\nspdadd 10.1.0.0/24 10.9.0.0/24 any -P out discard;\n";

        ConfigurationOutcome outcome = _loader.ApplySource(edited, "west.conf");

        Assert.Equal((1, 1, 4), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Null(_engine.Policies.Get(PolicyDirection.Fwd, new Selector(IpPrefix.Parse("10.2.0.0/24"), IpPrefix.Parse("10.1.0.0/24"))));
        Assert.Equal(PolicyAction.Block, _engine.Policies.Get(PolicyDirection.Out, new Selector(IpPrefix.Parse("10.1.0.0/24"), IpPrefix.Parse("10.9.0.0/24")))?.Action);
    }

    [Fact]
    public void SAs_a_key_manager_installed_survive_a_reload()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        var negotiated = new SecurityAssociation(new SaId(IpAddress.Parse("192.0.2.9"), 0x7777, IpsecProtocol.Esp), IpAddress.Parse("192.0.2.1"), XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(20, new byte[20]),
        };
        Assert.Equal(SadStatus.Ok, _engine.States.Add(negotiated));

        ConfigurationOutcome outcome = _loader.ApplySource("flush;\nspdflush;\n", "west.conf");

        Assert.Equal((0, 5, 0), (outcome.Added, outcome.Removed, outcome.Kept));
        Assert.Same(negotiated, Assert.Single(_engine.States.Dump()));
        Assert.Equal(0, _engine.Policies.Count);
    }

    [Fact]
    public void A_refused_reload_changes_nothing()
    {
        Assert.True(_loader.ApplySource(Tunnel, "west.conf").Succeeded);
        IReadOnlyList<SecurityAssociation> states = _engine.States.Dump();

        ConfigurationOutcome outcome = _loader.ApplySource("flush;\nadd 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -E aes-gcm-16 0x01;\n", "west.conf");

        Assert.True(outcome.Refused);
        Assert.StartsWith("west.conf:2:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
        Assert.Equal(states, _engine.States.Dump(), ReferenceEqualityComparer.Instance);
        Assert.Equal(3, _engine.Policies.Count);
    }

    [Fact]
    public void An_unreadable_file_is_refused_with_its_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netipsec-missing-{Guid.NewGuid():N}.conf");

        ConfigurationOutcome outcome = _loader.Apply(path);

        Assert.True(outcome.Refused);
        Assert.StartsWith(path + ": cannot read", Assert.Single(outcome.Errors), StringComparison.Ordinal);
    }

    private SecurityAssociation State(uint spi)
    {
        IpAddress destination = IpAddress.Parse(spi == 0x1001 ? "192.0.2.2" : "192.0.2.1");
        Assert.True(_engine.States.TryLookupBySpi(destination, spi, IpsecProtocol.Esp, out SecurityAssociation? sa));
        return sa;
    }

    private void AssertEmpty()
    {
        Assert.Equal(0, _engine.States.Count);
        Assert.Equal(0, _engine.Policies.Count);
    }
}
