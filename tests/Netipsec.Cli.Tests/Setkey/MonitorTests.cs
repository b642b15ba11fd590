using Netipsec.Cli.Setkey;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Cli.Tests.Setkey;

public sealed class MonitorTests
{
    private static byte[] Build(PfKeyHeader header)
    {
        var buffer = new byte[16];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, header, out _));
        return buffer;
    }

    private static byte[] AddReply()
    {
        var buffer = new byte[1024];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.Add, SaType.Esp, 7, 99), out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddSa(new SaExtension(0x1000, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None)));
        Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 5)));
        Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 1000, 3600, 0)));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(255, 32, new Sockaddr(IpAddress.Parse("192.0.2.1")))));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(255, 32, new Sockaddr(IpAddress.Parse("192.0.2.2")))));
        Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension([0xaa, 0xbb, 0xcc, 0xdd])));
        Assert.True(writer.TryAddNatTType(new NatTTypeExtension(2)));
        Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500)));
        Assert.True(writer.TryAddPair(new PairExtension(0x2000)));
        Assert.True(writer.TryAddReplaySequence(new ReplaySequenceExtension(0x1_0000_0002)));
        return writer.Message.ToArray();
    }

    private static byte[] PolicyMessage()
    {
        var buffer = new byte[1024];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.SpdAdd, SaType.Unspecified, 3, 1), out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("198.51.100.0")))));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("203.0.113.0"), 443))));
        var request = new IpsecRequest(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Unique, 5)
        {
            TunnelSource = new Sockaddr(IpAddress.Parse("192.0.2.1")),
            TunnelDestination = new Sockaddr(IpAddress.Parse("192.0.2.2")),
        };
        Assert.True(writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 9, 0), [request]));
        return writer.Message.ToArray();
    }

    [Fact]
    public void An_sa_message_is_decoded_extension_by_extension()
    {
        Assert.Equal(
            "sadb_msg{ version=2 type=3(add) errno=0 satype=3(esp) len=" + (AddReply().Length / 8) + " reserved=0 seq=7 pid=99 }\n"
            + " sadb_sa{ spi=4096(0x00001000) replay=32 state=1 auth=0(none) encrypt=20(aes-gcm-16) flags=0x00000000 }\n"
            + " sadb_x_sa2{ mode=2 reqid=5 seq=0 }\n"
            + " sadb_lifetime{ type=hard alloc=0 bytes=1000 addtime=3600 usetime=0 }\n"
            + " sadb_address{ type=src proto=255 prefixlen=32 addr=192.0.2.1 port=0 }\n"
            + " sadb_address{ type=dst proto=255 prefixlen=32 addr=192.0.2.2 port=0 }\n"
            + " sadb_key{ type=encrypt bits=32 key=aabbccdd }\n"
            + " sadb_x_nat_t_type{ type=2 }\n"
            + " sadb_x_nat_t_port{ type=sport port=4500 }\n"
            + " sadb_x_pair{ spi=0x00002000 }\n"
            + " sadb_x_replay_seq{ seq=4294967298(0x100000002) }\n",
            PfKeyMessagePrinter.Describe(AddReply()));
    }

    [Fact]
    public void A_policy_message_is_decoded_with_its_requests()
    {
        Assert.Equal(
            "sadb_msg{ version=2 type=14(x_spdadd) errno=0 satype=0(unspec) len=" + (PolicyMessage().Length / 8) + " reserved=0 seq=3 pid=1 }\n"
            + " sadb_address{ type=src proto=6 prefixlen=24 addr=198.51.100.0 port=0 }\n"
            + " sadb_address{ type=dst proto=6 prefixlen=24 addr=203.0.113.0 port=443 }\n"
            + " sadb_x_policy{ type=2 dir=2 id=9 priority=0 }\n"
            + "  sadb_x_ipsecrequest{ esp/tunnel/192.0.2.1-192.0.2.2/unique:5 }\n",
            PfKeyMessagePrinter.Describe(PolicyMessage()));
    }

    [Fact]
    public void Errors_promisc_wrappers_and_garbage_are_described()
    {
        Assert.Equal(
            "sadb_msg{ version=2 type=4(delete) errno=3 satype=2(ah) len=2 reserved=78 seq=1 pid=2 } ; No such process (ESRCH): SA not found\n",
            PfKeyMessagePrinter.Describe(Build(new PfKeyHeader(MessageType.Delete, SaType.Ah, 1, 2) { Errno = PfKeyErrno.NoSuchEntity, Diagnostic = PfKeyDiagnostic.SaNotFound })));
        byte[] inner = PolicyMessage();
        byte[] wrapped = new byte[16 + inner.Length];
        Assert.True(PfKeyMessageWriter.TryCreate(wrapped, new PfKeyHeader(MessageType.Promisc, SaType.Unspecified, 0, 0), out _));
        inner.CopyTo(wrapped, 16);
        BitConverter.TryWriteBytes(wrapped.AsSpan(4), (ushort)(wrapped.Length / 8));
        Assert.StartsWith("(promisc) sadb_msg{ version=2 type=14(x_spdadd)", PfKeyMessagePrinter.Describe(wrapped), StringComparison.Ordinal);
        Assert.Equal("malformed message of 3 bytes: TooShort (Message too long (EMSGSIZE))\n", PfKeyMessagePrinter.Describe([1, 2, 3]));
    }

    [Fact]
    public async Task Monitor_turns_on_promisc_then_prints_each_message_until_cancelled()
    {
        using var channel = new ScriptedChannel();
        var cli = new CliHarness { Channel = channel };
        using var stop = new CancellationTokenSource();
        channel.Deliver(AddReply());
        channel.Deliver(PolicyMessage());
        Task<CliRun> monitor = cli.RunAsync(stop.Token, "-x");
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (channel.Sent.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(600); // the monitor polls every 200 ms
        await stop.CancelAsync();
        CliRun run = await monitor;
        Assert.True(run.Exit == 0, run.Error);
        byte[] promisc = Assert.Single(channel.Sent);
        Assert.Equal(16, promisc.Length);
        Assert.Equal(((byte)MessageType.Promisc, (byte)1), (promisc[1], promisc[3])); // satype 1: promiscuous on (Linux)
        string[] headers = run.Output.Split('\n').Where(line => line.Contains("sadb_msg{", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, headers.Length);
        Assert.Contains("type=3(add)", headers[0], StringComparison.Ordinal);
        Assert.Contains("type=14(x_spdadd)", headers[1], StringComparison.Ordinal);
        Assert.True(channel.Disposed);
    }

    [Fact]
    public async Task A_daemon_refusing_promisc_ends_the_monitor_with_exit_1()
    {
        using var channel = new ScriptedChannel { PromiscErrno = PfKeyErrno.OperationNotSupported };
        CliRun run = await new CliHarness { Channel = channel }.RunAsync(CancellationToken.None, "-x");
        Assert.Equal("netipsec: netipsecd refused SADB_X_PROMISC: Operation not supported (EOPNOTSUPP)\n", run.Error.ReplaceLineEndings("\n"));
        Assert.Equal(1, run.Exit);
    }
}
