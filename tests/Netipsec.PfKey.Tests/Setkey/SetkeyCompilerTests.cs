using Netipsec.Packets;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Setkey;

public sealed class SetkeyCompilerTests
{
    private const string GcmKey = "0x000102030405060708090a0b0c0d0e0f10111213";

    /// <summary>The one statement of <paramref name="source"/>; the compilation is left undisposed so the request stays readable.</summary>
    internal static SetkeyStatement Single(string source)
    {
        SetkeyCompilation compilation = SetkeyCompiler.Compile(source, "test.conf");
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        return Assert.Single(compilation.Statements);
    }

    internal static PfKeyMessage Parse(SetkeyStatement statement)
    {
        Assert.True(PfKeyMessage.TryParse(statement.Request.Span, PfKeyOrigin.Client, out PfKeyMessage message, out PfKeyError error), error.ToString());
        return message;
    }

    /// <summary>
    /// Compiles an ESP add with algorithm <paramref name="name"/>, an all-zero key of <paramref name="keyBytes"/> bytes
    /// and <paramref name="more"/> after it; the message must carry an SA extension.
    /// </summary>
    private static PfKeyMessage ParseEspAdd(string name, int keyBytes, string more, out SaExtension sa)
    {
        PfKeyMessage message = Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -E {name} 0x{Convert.ToHexString(new byte[keyBytes])}{more};"));
        Assert.True(message.TryGetSa(out sa));
        return message;
    }

    [Fact]
    public void Add_of_an_aead_sa_carries_sa_sa2_addresses_and_the_key_with_its_salt()
    {
        SetkeyStatement statement = Single($"add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -r 64 -u 7 -E aes-gcm-16 {GcmKey};");
        Assert.Equal(SetkeyStatementKind.Add, statement.Kind);
        Assert.Equal((1, 1), (statement.Line, statement.Column));
        PfKeyMessage message = Parse(statement);
        Assert.Equal(new PfKeyHeader(MessageType.Add, SaType.Esp, 1, 0), message.Header);
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal(new SaExtension(0x1000, 64, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None), sa);
        Assert.True(message.TryGetSa2(out Sa2Extension sa2));
        Assert.Equal(new Sa2Extension(IpsecMode.Tunnel, 0, 7), sa2);
        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(new AddressExtension(IpsecConstants.UlProtoAny, 32, new Sockaddr(IpAddress.Parse("192.0.2.1"))), source);
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(IpAddress.Parse("192.0.2.2"), destination.Sockaddr.Address);
        Assert.True(message.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension key));
        Assert.Equal(160, key.Bits);
        Assert.Equal(Convert.FromHexString(GcmKey[2..]), key.Key.ToArray());
        Assert.False(message.Contains(ExtensionType.KeyAuth));
    }

    [Theory]
    [InlineData("aes-gcm-16", EncryptAlgorithm.AesGcmIcv16, 20)]
    [InlineData("aes-gcm-12", EncryptAlgorithm.AesGcmIcv12, 36)]
    [InlineData("aes-gcm-8", EncryptAlgorithm.AesGcmIcv8, 28)]
    [InlineData("chacha20-poly1305", (EncryptAlgorithm)250, 36)]
    [InlineData("aes-ccm-16", EncryptAlgorithm.AesCcmIcv16, 19)]
    [InlineData("aes-ccm-12", EncryptAlgorithm.AesCcmIcv12, 27)]
    [InlineData("aes-ccm-8", EncryptAlgorithm.AesCcmIcv8, 35)]
    [InlineData("aes-gmac", EncryptAlgorithm.NullAesGmac, 20)]
    public void Every_combined_mode_name_compiles_with_its_salted_key(string name, EncryptAlgorithm id, int keyBytes)
    {
        PfKeyMessage message = ParseEspAdd(name, keyBytes, "", out SaExtension sa);
        Assert.Equal(id, sa.Encrypt);
        Assert.True(message.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension extension));
        Assert.Equal(keyBytes * 8, extension.Bits);
    }

    [Theory]
    [InlineData("aes-cbc", EncryptAlgorithm.AesCbc, 16)]
    [InlineData("rijndael-cbc", EncryptAlgorithm.AesCbc, 32)]
    [InlineData("aes-ctr", EncryptAlgorithm.AesCtr, 20)]
    [InlineData("3des-cbc", EncryptAlgorithm.TripleDesCbc, 24)]
    public void Ciphers_compile_alone_or_with_any_authentication(string name, EncryptAlgorithm id, int keyBytes)
    {
        ParseEspAdd(name, keyBytes, "", out SaExtension sa);
        Assert.Equal((id, AuthAlgorithm.None), (sa.Encrypt, sa.Auth));
        PfKeyMessage paired = ParseEspAdd(name, keyBytes, $" -A hmac-sha256 0x{new string('a', 64)}", out sa);
        Assert.Equal((id, AuthAlgorithm.Sha256Hmac), (sa.Encrypt, sa.Auth));
        Assert.True(paired.TryGetKey(ExtensionType.KeyAuth, out KeyExtension auth));
        Assert.Equal(256, auth.Bits);
    }

    [Theory]
    [InlineData("hmac-sha1", AuthAlgorithm.Sha1Hmac, 20)]
    [InlineData("hmac-sha256", AuthAlgorithm.Sha256Hmac, 32)]
    [InlineData("hmac-sha384", AuthAlgorithm.Sha384Hmac, 48)]
    [InlineData("hmac-sha512", AuthAlgorithm.Sha512Hmac, 64)]
    [InlineData("aes-xcbc-mac", AuthAlgorithm.AesXcbcMac, 16)]
    [InlineData("aes-cmac", (AuthAlgorithm)250, 16)]
    [InlineData("hmac-md5", AuthAlgorithm.Md5Hmac, 16)]
    [InlineData("aes-gmac", (AuthAlgorithm)249, 20)]
    public void Every_authentication_name_compiles_for_ah(string name, AuthAlgorithm id, int keyBytes)
    {
        PfKeyMessage message = Parse(Single($"add 192.0.2.1 192.0.2.2 ah 0x2000 -A {name} 0x{Convert.ToHexString(new byte[keyBytes])};"));
        Assert.Equal(SaType.Ah, message.Header.SaType);
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal((id, EncryptAlgorithm.None), (sa.Auth, sa.Encrypt));
    }

    [Fact]
    public void Null_algorithms_take_no_key_or_an_empty_one()
    {
        PfKeyMessage message = Parse(Single("add 192.0.2.1 192.0.2.2 esp 4096 -E aes-cbc \"0123456789abcdef\" -A null \"\";"));
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal((EncryptAlgorithm.AesCbc, AuthAlgorithm.Null), (sa.Encrypt, sa.Auth));
        Assert.False(message.Contains(ExtensionType.KeyAuth));
        message = Parse(Single("add 192.0.2.1 192.0.2.2 esp 4096 -E null 0x -A hmac-sha1 \"12345678901234567890\";"));
        Assert.True(message.TryGetSa(out sa));
        Assert.Equal((EncryptAlgorithm.Null, AuthAlgorithm.Sha1Hmac), (sa.Encrypt, sa.Auth));
        Assert.False(message.Contains(ExtensionType.KeyEncrypt));
        Assert.True(message.TryGetKey(ExtensionType.KeyAuth, out KeyExtension quoted));
        Assert.Equal("12345678901234567890"u8.ToArray(), quoted.Key.ToArray());
    }

    [Fact]
    public void Ipcomp_carries_deflate_in_the_encrypt_field_and_no_keys()
    {
        PfKeyMessage message = Parse(Single("add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -m tunnel -C deflate -R;"));
        Assert.Equal(SaType.IpComp, message.Header.SaType);
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal((0x4001u, (EncryptAlgorithm)CompressAlgorithm.Deflate), (sa.Spi, sa.Encrypt));
        Assert.False(message.Contains(ExtensionType.KeyEncrypt));
    }

    [Fact]
    public void Lifetimes_padding_and_cycling_options_compile()
    {
        PfKeyMessage message = Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -m transport -f seq-pad -f nocyclic-seq -r 32 -lh 3600 -ls 3000 -bh 1000000 -bs 900000 -E aes-gcm-16 {GcmKey};"));
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard));
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeSoft, out LifetimeExtension soft));
        Assert.Equal(new LifetimeExtension(0, 1000000, 3600, 0), hard);
        Assert.Equal(new LifetimeExtension(0, 900000, 3000, 0), soft);
        Assert.True(message.TryGetSa2(out Sa2Extension sa2));
        Assert.Equal(IpsecMode.Transport, sa2.Mode);
    }

    [Fact]
    public void Esn_sets_the_extended_sequence_number_flag_and_nothing_else()
    {
        Assert.True(Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -f esn -r 64 -E aes-gcm-16 {GcmKey};")).TryGetSa(out SaExtension withEsn));
        Assert.Equal(SaFlags.Esn, withEsn.Flags);
        Assert.True(Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -r 64 -E aes-gcm-16 {GcmKey};")).TryGetSa(out SaExtension without));
        Assert.Equal(SaFlags.None, without.Flags);
    }

    [Fact]
    public void Seq_continues_the_sa_from_a_sequence_number_which_only_esn_lets_exceed_32_bits()
    {
        PfKeyMessage near = Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -seq 0xfffffff0 -r 64 -E aes-gcm-16 {GcmKey};"));
        Assert.True(near.TryGetReplaySequence(out ReplaySequenceExtension nearWrap));
        Assert.Equal(0xffff_fff0UL, nearWrap.Sequence);

        PfKeyMessage beyond = Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -seq 0x100000005 -f esn -r 64 -E aes-gcm-16 {GcmKey};"));
        Assert.True(beyond.TryGetReplaySequence(out ReplaySequenceExtension past));
        Assert.Equal(0x1_0000_0005UL, past.Sequence);
        Assert.False(Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -E aes-gcm-16 {GcmKey};")).Contains(ExtensionType.ReplaySequence));
    }

    [Theory]
    [InlineData("", SaFlags.None)]
    [InlineData("-f seq-pad", SaFlags.None)]
    [InlineData("-f zero-pad", SaFlags.PaddingZero)]
    [InlineData("-f random-pad", SaFlags.PaddingRandom)]
    [InlineData("-f random-pad -f random-pad", SaFlags.PaddingRandom)]
    [InlineData("-f zero-pad -f esn", SaFlags.PaddingZero | SaFlags.Esn)]
    public void Padding_options_set_kames_padding_bits(string options, SaFlags expected)
    {
        Assert.True(Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 {options} -r 64 -E aes-gcm-16 {GcmKey};")).TryGetSa(out SaExtension sa));

        Assert.Equal(expected, sa.Flags);
    }

    [Fact]
    public void Seq_pad_is_the_default_and_fits_every_protocol()
    {
        Assert.True(Parse(Single("add 192.0.2.1 192.0.2.2 ah 4096 -f seq-pad -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;")).TryGetSa(out SaExtension ah));
        Assert.Equal(SaFlags.None, ah.Flags);
        Assert.True(Parse(Single("add 192.0.2.1 192.0.2.2 ipcomp 4096 -f seq-pad -C deflate;")).TryGetSa(out SaExtension ipcomp));
        Assert.Equal(SaFlags.None, ipcomp.Flags);
    }

    [Theory]
    [InlineData("any", IpsecMode.Any)]
    [InlineData("beet", IpsecMode.Beet)]
    public void Modes_any_and_beet_compile(string mode, IpsecMode expected)
    {
        Assert.True(Parse(Single($"add 192.0.2.1 192.0.2.2 esp 4096 -m {mode} -E aes-gcm-16 {GcmKey};")).TryGetSa2(out Sa2Extension sa2));
        Assert.Equal(expected, sa2.Mode);
    }

    [Fact]
    public void Esp_udp_puts_the_ports_in_nat_t_extensions()
    {
        PfKeyMessage message = Parse(Single($"add 192.0.2.1[4500] 192.0.2.2[4501] esp-udp 4096 -E aes-gcm-16 {GcmKey};"));
        Assert.Equal(SaType.Esp, message.Header.SaType);
        Assert.True(message.TryGetNatTType(out NatTTypeExtension type));
        Assert.Equal(2, type.Type);
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension sport));
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension dport));
        Assert.Equal((4500, 4501), (sport.Port, dport.Port));
        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(0, source.Sockaddr.Port);
    }

    [Fact]
    public void Ipv6_sas_and_statements_spanning_lines_with_comments_compile()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(
            "# keys for the lab\nadd 2001:db8::1 2001:db8::2 esp 0x1001 # inline\n   -E aes-gcm-16\n   " + GcmKey + " ;\n\n  flush ; dump esp;");
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        Assert.Equal([SetkeyStatementKind.Add, SetkeyStatementKind.Flush, SetkeyStatementKind.Dump], compilation.Statements.Select(s => s.Kind));
        Assert.Equal([(2, 1), (6, 3), (6, 11)], compilation.Statements.Select(s => (s.Line, s.Column)));
        Assert.Equal([1u, 2u, 3u], compilation.Statements.Select(s => Parse(s).Header.Sequence));
        Assert.True(Parse(compilation.Statements[0]).TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal((IpAddress.Parse("2001:db8::2"), (byte)128), (destination.Sockaddr.Address, destination.PrefixLength));
    }

    [Theory]
    [InlineData("get", SetkeyStatementKind.Get, MessageType.Get)]
    [InlineData("delete", SetkeyStatementKind.Delete, MessageType.Delete)]
    public void Get_and_delete_name_the_sa(string keyword, SetkeyStatementKind kind, MessageType type)
    {
        SetkeyStatement statement = Single($"{keyword} 192.0.2.1 192.0.2.2 ah 0x2000;");
        Assert.Equal(kind, statement.Kind);
        Assert.False(statement.ExpectsMultipleReplies);
        PfKeyMessage message = Parse(statement);
        Assert.Equal((type, SaType.Ah), (message.Header.Type, message.Header.SaType));
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal(0x2000u, sa.Spi);
        Assert.True(message.Contains(ExtensionType.AddressSrc) && message.Contains(ExtensionType.AddressDst));
    }

    [Fact]
    public void Deleteall_is_a_dump_of_its_protocol_with_the_address_pair()
    {
        SetkeyStatement statement = Single("deleteall 192.0.2.1 192.0.2.2 esp;");
        Assert.Equal(SetkeyStatementKind.DeleteAll, statement.Kind);
        Assert.True(statement.ExpectsMultipleReplies);
        Assert.Equal((MessageType.Dump, SaType.Esp), (Parse(statement).Header.Type, Parse(statement).Header.SaType));
        Assert.Equal((IpAddress.Parse("192.0.2.1"), IpAddress.Parse("192.0.2.2")), (statement.DeleteAllSource, statement.DeleteAllDestination));
    }

    [Theory]
    [InlineData("flush;", MessageType.Flush, SaType.Unspecified, false)]
    [InlineData("flush ah;", MessageType.Flush, SaType.Ah, false)]
    [InlineData("dump;", MessageType.Dump, SaType.Unspecified, true)]
    [InlineData("dump ipcomp;", MessageType.Dump, SaType.IpComp, true)]
    [InlineData("spdflush;", MessageType.SpdFlush, SaType.Unspecified, false)]
    [InlineData("spddump;", MessageType.SpdDump, SaType.Unspecified, true)]
    public void Bare_statements_are_a_base_header(string source, MessageType type, SaType saType, bool many)
    {
        SetkeyStatement statement = Single(source);
        Assert.Equal(16, statement.Request.Length);
        Assert.Equal(many, statement.ExpectsMultipleReplies);
        Assert.Equal((type, saType), (Parse(statement).Header.Type, Parse(statement).Header.SaType));
    }

    [Fact]
    public void Spdadd_of_a_tunnel_policy_carries_selector_and_request()
    {
        SetkeyStatement statement = Single("spdadd 198.51.100.0/24[any] 203.0.113.0/24[443] tcp -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;");
        PfKeyMessage message = Parse(statement);
        Assert.Equal(MessageType.SpdAdd, message.Header.Type);
        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("198.51.100.0"))), source);
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("203.0.113.0"), 443)), destination);
        Assert.True(message.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 0, 0), policy.Header);
        var requests = new List<IpsecRequest>();
        foreach (IpsecRequest request in policy.Requests)
        {
            requests.Add(request);
        }

        IpsecRequest only = Assert.Single(requests);
        Assert.Equal((IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Require, 0u), (only.Protocol, only.Mode, only.Level, only.ReqId));
        Assert.Equal(new Sockaddr(IpAddress.Parse("192.0.2.1")), only.TunnelSource);
        Assert.Equal(new Sockaddr(IpAddress.Parse("192.0.2.2")), only.TunnelDestination);
    }

    [Theory]
    [InlineData("any", IpsecConstants.UlProtoAny)]
    [InlineData("icmp", 1)]
    [InlineData("icmp6", 58)]
    [InlineData("tcp", 6)]
    [InlineData("udp", 17)]
    [InlineData("132", 132)]
    public void Upper_layer_protocols_by_name_or_number(string upper, byte expected)
    {
        string family = upper == "icmp6" ? "2001:db8::/32 2001:db8:1::/48" : "192.0.2.0/24 198.51.100.0/24";
        Assert.True(Parse(Single($"spdadd {family} {upper} -P in none;")).TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(expected, source.Protocol);
    }

    [Fact]
    public void Policies_take_several_requests_levels_reqids_and_priorities()
    {
        PfKeyMessage message = Parse(Single(
            "spdupdate 192.0.2.1 192.0.2.2 any -P fwd prio def + 10 ipsec ipcomp/transport//use esp/transport//unique:42 ah/transport//default esp/beet/192.0.2.1-192.0.2.2/unique esp/transport;"));
        Assert.Equal(MessageType.SpdUpdate, message.Header.Type);
        Assert.True(message.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Fwd, 0, 0x80000000 - 10), policy.Header);
        var levels = new List<(IpProtocol, IpsecMode, IpsecLevel, uint, bool)>();
        foreach (IpsecRequest request in policy.Requests)
        {
            levels.Add((request.Protocol, request.Mode, request.Level, request.ReqId, request.TunnelSource.HasValue));
        }

        Assert.Equal(
            [
                (IpProtocol.IpComp, IpsecMode.Transport, IpsecLevel.Use, 0u, false),
                (IpProtocol.Esp, IpsecMode.Transport, IpsecLevel.Unique, 42u, false),
                (IpProtocol.Ah, IpsecMode.Transport, IpsecLevel.Default, 0u, false),
                (IpProtocol.Esp, IpsecMode.Beet, IpsecLevel.Unique, 0u, true),
                (IpProtocol.Esp, IpsecMode.Transport, IpsecLevel.Default, 0u, false),
            ],
            levels);
    }

    [Theory]
    [InlineData("prio 7", 7u)]
    [InlineData("prio high", 0x40000000u)]
    [InlineData("prio low -5", 0xC0000005u)]
    [InlineData("priority def +3", 0x7FFFFFFDu)]
    public void Priorities_by_number_or_name_and_offset(string text, uint expected)
    {
        Assert.True(Parse(Single($"spdadd 192.0.2.1 192.0.2.2 any -P out {text} discard;")).TryGetPolicy(out PolicyExtension policy));
        Assert.Equal((IpsecPolicyType.Discard, expected), (policy.Header.Type, policy.Header.Priority));
    }

    [Fact]
    public void Spddelete_needs_only_the_direction()
    {
        PfKeyMessage message = Parse(Single("spddelete 192.0.2.0/24 198.51.100.0/24 any -P in;"));
        Assert.Equal(MessageType.SpdDelete, message.Header.Type);
        Assert.True(message.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(IpsecDirection.Inbound, policy.Header.Direction);
        Assert.Equal(SetkeyStatementKind.SpdDelete, Single("spddelete 192.0.2.0/24 198.51.100.0/24 any -P in ipsec esp/transport//require;").Kind);
    }

    [Fact]
    public void Dispose_zeroes_the_requests_and_with_them_the_keys()
    {
        SetkeyCompilation compilation = SetkeyCompiler.Compile($"add 192.0.2.1 192.0.2.2 esp 4096 -E aes-gcm-16 {GcmKey};");
        ReadOnlyMemory<byte> request = compilation.Statements[0].Request;
        compilation.Dispose();
        Assert.True(request.Span.IndexOfAnyExcept((byte)0) < 0);
    }
}
