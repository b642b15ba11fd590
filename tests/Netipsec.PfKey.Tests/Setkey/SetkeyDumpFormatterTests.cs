using Netipsec.Packets;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

using Netipsec.PfKey.Tests.Service;

namespace Netipsec.PfKey.Tests.Setkey;

public sealed class SetkeyDumpFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private static string Sa(Extend extend)
    {
        byte[] message = ServiceHarness.Build(MessageType.Dump, SaType.Esp, 0, extend);
        using var output = new StringWriter();
        Assert.True(SetkeyDumpFormatter.WriteSa(output, message, Now, TimeZoneInfo.Utc));
        return output.ToString();
    }

    [Fact]
    public void Esp_in_udp_shows_the_ports_and_long_keys_wrap_every_32_bytes()
    {
        string text = Sa((ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x1000, 0, SaState.Dying, AuthAlgorithm.Sha512Hmac, EncryptAlgorithm.Null, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, ServiceHarness.Address(IpAddress.Parse("192.0.2.1"))));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, ServiceHarness.Address(IpAddress.Parse("192.0.2.2"))));
            Assert.True(writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray())));
            Assert.True(writer.TryAddNatTType(new NatTTypeExtension(2)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(4501)));
            Assert.True(writer.TryAddAddress(ExtensionType.NatTOa, ServiceHarness.Address(IpAddress.Parse("198.51.100.7"))));
        });
        Assert.Equal(
            "192.0.2.1[4500] 192.0.2.2[4501] \n"
            + "\tesp-udp mode=any spi=4096(0x00001000) reqid=0(0x00000000)\n"
            + "\tNAT OA=198.51.100.7\n"
            + "\tA: hmac-sha512  00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f\n"
            + " 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637 38393a3b 3c3d3e3f\n"
            + "\tseq=0x00000000 replay=0 flags=0x00000000 state=dying \n"
            + "\tsadb_seq=0 pid=4242 refcnt=0\n",
            text);
    }

    [Fact]
    public void Messages_that_are_not_an_sa_or_a_policy_print_nothing()
    {
        using var output = new StringWriter();
        byte[] flush = ServiceHarness.Build(MessageType.Flush, SaType.Unspecified, 0);
        Assert.False(SetkeyDumpFormatter.WriteSa(output, flush, Now, TimeZoneInfo.Utc));
        Assert.False(SetkeyDumpFormatter.WritePolicy(output, flush, TimeZoneInfo.Utc));
        Assert.False(SetkeyDumpFormatter.WriteSa(output, [1, 2, 3], Now, TimeZoneInfo.Utc));
        Assert.Empty(output.ToString());
    }

    [Theory]
    [InlineData(0u, "out discard")]
    [InlineData(0x40000000u, "out prio high discard")]
    [InlineData(0xC0000000u, "out prio low discard")]
    [InlineData(0xC0000005u, "out prio low - 5 discard")]
    [InlineData(0x7FFFFFF0u, "out prio def + 16 discard")]
    [InlineData(7u, "out prio high + 1073741817 discard")]
    public void Priorities_print_as_libipsec_names_them(uint priority, string expected)
    {
        byte[] message = ServiceHarness.Build(MessageType.SpdDump, SaType.Unspecified, 0, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, ServiceHarness.Address(IpAddress.Parse("192.0.2.0"), 24, 17)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, ServiceHarness.Address(IpAddress.Parse("192.0.2.9"), 32, 17, 53)));
            Assert.True(writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Discard, IpsecDirection.Outbound, 3, priority), []));
        });
        using var output = new StringWriter();
        Assert.True(SetkeyDumpFormatter.WritePolicy(output, message, TimeZoneInfo.Utc));
        Assert.Equal($"192.0.2.0/24[any] 192.0.2.9[53] udp\n\t{expected}\n\tspid=3 seq=0 pid=4242\n\trefcnt=0\n", output.ToString());
    }

    [Fact]
    public void Allocated_reqids_print_with_a_hash()
    {
        Assert.Equal("esp/transport//unique#16384", SetkeyDumpFormatter.RequestText(new IpsecRequest(IpProtocol.Esp, IpsecMode.Transport, IpsecLevel.Unique, 0x4000)));
        Assert.Equal("ipcomp/tunnel/2001:db8::1-2001:db8::2/use", SetkeyDumpFormatter.RequestText(new IpsecRequest(IpProtocol.IpComp, IpsecMode.Tunnel, IpsecLevel.Use, 0)
        {
            TunnelSource = new Sockaddr(IpAddress.Parse("2001:db8::1")),
            TunnelDestination = new Sockaddr(IpAddress.Parse("2001:db8::2")),
        }));
    }

    [Fact]
    public void Every_errno_and_diagnostic_has_words()
    {
        foreach (PfKeyErrno errno in Enum.GetValues<PfKeyErrno>())
        {
            Assert.DoesNotContain("errno", PfKeyErrorText.Describe(errno), StringComparison.Ordinal);
        }

        for (ushort code = 1; code <= PfKeyConstants.DiagnosticMax; code++)
        {
            string? words = PfKeyErrorText.Describe((PfKeyDiagnostic)code);
            Assert.NotNull(words);
            Assert.DoesNotContain("diagnostic", words, StringComparison.Ordinal);
        }

        Assert.Equal("Broken pipe (EPIPE)", PfKeyErrorText.Describe((PfKeyErrno)32));
        Assert.Null(PfKeyErrorText.Describe(PfKeyDiagnostic.None));
        Assert.Equal("Invalid argument (EINVAL): SA flags not allowed", PfKeyErrorText.Describe(PfKeyErrno.InvalidArgument, PfKeyDiagnostic.BadSaFlags));
    }
}
