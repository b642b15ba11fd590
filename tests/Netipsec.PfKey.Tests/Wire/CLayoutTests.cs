using System.Globalization;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>
/// Builds a C program against the system's <c>linux/pfkeyv2.h</c> and the shipped <c>netipsec/pfkeyv2_ext.h</c>
/// and checks that C and C# agree on every structure size, on key offsets and constants, and on the bytes of a
/// whole message built with the header's own structures.
/// </summary>
public sealed class CLayoutTests
{
    private const string Program = """
        #include <errno.h>
        #include <stddef.h>
        #include <stdint.h>
        #include <stdio.h>
        #include <string.h>
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <sys/socket.h>
        #include <linux/pfkeyv2.h>
        #include <linux/ipsec.h>
        #include <netipsec/pfkeyv2_ext.h>

        #define SIZE(s) printf("sizeof %s %zu\n", #s, sizeof(struct s))
        #define VALUE(v) printf("value %s %lld\n", #v, (long long)(v))
        #define OFFSET(s, f) printf("offset %s.%s %zu\n", #s, #f, offsetof(struct s, f))

        static size_t put_address(uint8_t *at, uint16_t type, const char *text)
        {
            struct sadb_address *address = (struct sadb_address *)at;
            struct sockaddr_in *sin = (struct sockaddr_in *)(address + 1);
            address->sadb_address_len = (sizeof *address + sizeof *sin) / 8;
            address->sadb_address_exttype = type;
            address->sadb_address_proto = IPSEC_ULPROTO_ANY;
            address->sadb_address_prefixlen = 32;
            sin->sin_family = AF_INET;
            inet_pton(AF_INET, text, &sin->sin_addr);
            return sizeof *address + sizeof *sin;
        }

        static size_t put_key(uint8_t *at, uint16_t type, uint8_t first, int bytes)
        {
            struct sadb_key *key = (struct sadb_key *)at;
            int padded = (bytes + 7) / 8 * 8;
            key->sadb_key_len = (sizeof *key + padded) / 8;
            key->sadb_key_exttype = type;
            key->sadb_key_bits = bytes * 8;
            for (int i = 0; i < bytes; i++)
                at[sizeof *key + i] = (uint8_t)(first + i);
            return sizeof *key + padded;
        }

        int main(void)
        {
            SIZE(sadb_msg); SIZE(sadb_ext); SIZE(sadb_sa); SIZE(sadb_lifetime); SIZE(sadb_address); SIZE(sadb_key);
            SIZE(sadb_ident); SIZE(sadb_sens); SIZE(sadb_prop); SIZE(sadb_comb); SIZE(sadb_supported); SIZE(sadb_alg);
            SIZE(sadb_spirange); SIZE(sadb_x_kmprivate); SIZE(sadb_x_sa2); SIZE(sadb_x_policy); SIZE(sadb_x_ipsecrequest);
            SIZE(sadb_x_nat_t_type); SIZE(sadb_x_nat_t_port); SIZE(sadb_x_sec_ctx); SIZE(sadb_x_kmaddress); SIZE(sadb_x_filter);
            SIZE(sadb_x_pair); SIZE(sadb_x_replay_seq); SIZE(sadb_x_kmc); SIZE(sadb_x_ereg); SIZE(sadb_x_eprop); SIZE(sadb_x_ecomb); SIZE(sadb_x_algdesc);
            SIZE(sockaddr_in); SIZE(sockaddr_in6);

            OFFSET(sadb_x_filter, sadb_x_filter_family); OFFSET(sadb_x_ipsecrequest, sadb_x_ipsecrequest_reqid);
            OFFSET(sadb_x_ecomb, sadb_x_ecomb_soft_bytes); OFFSET(sadb_comb, sadb_comb_soft_bytes);
            OFFSET(sockaddr_in6, sin6_addr); OFFSET(sockaddr_in6, sin6_scope_id); OFFSET(sadb_x_eprop, sadb_x_eprop_numecombs);

            VALUE(AF_INET); VALUE(AF_INET6);
            VALUE(EPERM); VALUE(ENOENT); VALUE(ESRCH); VALUE(ENOMEM); VALUE(EBUSY); VALUE(EEXIST); VALUE(EINVAL);
            VALUE(EMSGSIZE); VALUE(EPIPE); VALUE(EPROTONOSUPPORT); VALUE(EOPNOTSUPP); VALUE(ENOBUFS);
            VALUE(SADB_X_SPDDELETE2); VALUE(SADB_X_MIGRATE); VALUE(SADB_X_INVERSE_ACQUIRE); VALUE(SADB_X_DELPAIR);
            VALUE(SADB_X_EXT_FILTER); VALUE(SADB_X_EXT_EREG); VALUE(SADB_X_EXT_PAIR); VALUE(SADB_X_EXT_REPLAY_SEQ); VALUE(SADB_X_SAFLAGS_USED);
            VALUE(SADB_SAFLAGS_NOECN); VALUE(SADB_X_DIAGNOSTIC_BAD_INNER_SRC_AF); VALUE(SADB_X_DIAGNOSTIC_SA_EXPIRED);
            VALUE(SADB_X_EALG_AESCBC); VALUE(SADB_AALG_SHA1HMAC); VALUE(IPSEC_MODE_TUNNEL); VALUE(IPSEC_LEVEL_UNIQUE);
            VALUE(SADB_X_SAFLAGS_ESN); VALUE(SADB_X_EXT_PSEQ); VALUE(SADB_X_EXT_PRAND); VALUE(SADB_X_EXT_PZERO); VALUE(SADB_X_EXT_PMASK);

            /* SADB_ADD, ESP, AES-CBC 128 + HMAC-SHA1, 192.0.2.1 -> 192.0.2.2, with the header's structures. */
            uint8_t message[256];
            memset(message, 0, sizeof message);
            struct sadb_msg *msg = (struct sadb_msg *)message;
            msg->sadb_msg_version = PF_KEY_V2;
            msg->sadb_msg_type = SADB_ADD;
            msg->sadb_msg_satype = SADB_SATYPE_ESP;
            msg->sadb_msg_seq = 7;
            msg->sadb_msg_pid = 1234;
            size_t length = sizeof *msg;
            struct sadb_sa *sa = (struct sadb_sa *)(message + length);
            sa->sadb_sa_len = sizeof *sa / 8;
            sa->sadb_sa_exttype = SADB_EXT_SA;
            sa->sadb_sa_spi = htonl(0x12345678);
            sa->sadb_sa_replay = 32;
            sa->sadb_sa_state = SADB_SASTATE_MATURE;
            sa->sadb_sa_auth = SADB_AALG_SHA1HMAC;
            sa->sadb_sa_encrypt = SADB_X_EALG_AESCBC;
            length += sizeof *sa;
            length += put_address(message + length, SADB_EXT_ADDRESS_SRC, "192.0.2.1");
            length += put_address(message + length, SADB_EXT_ADDRESS_DST, "192.0.2.2");
            length += put_key(message + length, SADB_EXT_KEY_AUTH, 0x11, 20);
            length += put_key(message + length, SADB_EXT_KEY_ENCRYPT, 0x41, 16);
            msg->sadb_msg_len = length / 8;
            printf("message ");
            for (size_t i = 0; i < length; i++)
                printf("%02x", message[i]);
            printf("\n");
            return 0;
        }
        """;

    private static readonly Dictionary<string, long> Expected = new(StringComparer.Ordinal)
    {
        ["sizeof sadb_msg"] = PfKeyHeader.Length,
        ["sizeof sadb_ext"] = PfKeyConstants.ExtensionHeaderLength,
        ["sizeof sadb_sa"] = SaExtension.FixedLength,
        ["sizeof sadb_lifetime"] = LifetimeExtension.FixedLength,
        ["sizeof sadb_address"] = AddressExtension.FixedLength,
        ["sizeof sadb_key"] = KeyExtension.FixedLength,
        ["sizeof sadb_ident"] = IdentityExtension.FixedLength,
        ["sizeof sadb_sens"] = SensitivityExtension.FixedLength,
        ["sizeof sadb_prop"] = ProposalExtension.FixedLength,
        ["sizeof sadb_comb"] = Combination.Length,
        ["sizeof sadb_supported"] = SupportedExtension.FixedLength,
        ["sizeof sadb_alg"] = SupportedAlgorithm.Length,
        ["sizeof sadb_spirange"] = SpiRangeExtension.FixedLength,
        ["sizeof sadb_x_kmprivate"] = KmPrivateExtension.FixedLength,
        ["sizeof sadb_x_sa2"] = Sa2Extension.FixedLength,
        ["sizeof sadb_x_policy"] = PolicyExtension.FixedLength,
        ["sizeof sadb_x_ipsecrequest"] = IpsecRequest.FixedLength,
        ["sizeof sadb_x_nat_t_type"] = NatTTypeExtension.FixedLength,
        ["sizeof sadb_x_nat_t_port"] = NatTPortExtension.FixedLength,
        ["sizeof sadb_x_sec_ctx"] = SecurityContextExtension.FixedLength,
        ["sizeof sadb_x_kmaddress"] = KmAddressExtension.FixedLength,
        ["sizeof sadb_x_filter"] = FilterExtension.FixedLength,
        ["sizeof sadb_x_pair"] = PairExtension.FixedLength,
        ["sizeof sadb_x_replay_seq"] = ReplaySequenceExtension.FixedLength,
        ["sizeof sadb_x_kmc"] = KmCookieExtension.FixedLength,
        ["sizeof sadb_x_ereg"] = EregExtension.FixedLength,
        ["sizeof sadb_x_eprop"] = EpropExtension.FixedLength,
        ["sizeof sadb_x_ecomb"] = ExtendedCombination.Length,
        ["sizeof sadb_x_algdesc"] = AlgorithmDescriptor.Length,
        ["sizeof sockaddr_in"] = Sockaddr.Ipv4Length,
        ["sizeof sockaddr_in6"] = Sockaddr.Ipv6Length,
        ["offset sadb_x_filter.sadb_x_filter_family"] = 36,
        ["offset sadb_x_ipsecrequest.sadb_x_ipsecrequest_reqid"] = 8,
        ["offset sadb_x_ecomb.sadb_x_ecomb_soft_bytes"] = 16,
        ["offset sadb_comb.sadb_comb_soft_bytes"] = 24,
        ["offset sockaddr_in6.sin6_addr"] = 8,
        ["offset sockaddr_in6.sin6_scope_id"] = 24,
        ["offset sadb_x_eprop.sadb_x_eprop_numecombs"] = 6,
        ["value AF_INET"] = (long)SockaddrFamily.Inet,
        ["value AF_INET6"] = (long)SockaddrFamily.Inet6,
        ["value EPERM"] = (long)PfKeyErrno.NotPermitted,
        ["value ENOENT"] = (long)PfKeyErrno.NoEntry,
        ["value ESRCH"] = (long)PfKeyErrno.NoSuchEntity,
        ["value ENOMEM"] = (long)PfKeyErrno.NoMemory,
        ["value EBUSY"] = (long)PfKeyErrno.Busy,
        ["value EEXIST"] = (long)PfKeyErrno.Exists,
        ["value EINVAL"] = (long)PfKeyErrno.InvalidArgument,
        ["value EMSGSIZE"] = (long)PfKeyErrno.MessageSize,
        ["value EPIPE"] = (long)PfKeyErrno.BrokenPipe,
        ["value EPROTONOSUPPORT"] = (long)PfKeyErrno.ProtocolNotSupported,
        ["value EOPNOTSUPP"] = (long)PfKeyErrno.OperationNotSupported,
        ["value ENOBUFS"] = (long)PfKeyErrno.NoBufferSpace,
        ["value SADB_X_SPDDELETE2"] = (long)MessageType.SpdDelete2,
        ["value SADB_X_MIGRATE"] = (long)MessageType.Migrate,
        ["value SADB_X_INVERSE_ACQUIRE"] = (long)MessageType.InverseAcquire,
        ["value SADB_X_DELPAIR"] = (long)MessageType.DelPair,
        ["value SADB_X_EXT_FILTER"] = (long)ExtensionType.Filter,
        ["value SADB_X_EXT_EREG"] = (long)ExtensionType.Ereg,
        ["value SADB_X_EXT_PAIR"] = (long)ExtensionType.Pair,
        ["value SADB_X_EXT_REPLAY_SEQ"] = (long)ExtensionType.ReplaySequence,
        ["value SADB_X_SAFLAGS_USED"] = (long)SaFlags.Used,
        ["value SADB_SAFLAGS_NOECN"] = (long)SaFlags.NoEcn,
        ["value SADB_X_DIAGNOSTIC_BAD_INNER_SRC_AF"] = (long)PfKeyDiagnostic.BadInnerSrcAf,
        ["value SADB_X_DIAGNOSTIC_SA_EXPIRED"] = (long)PfKeyDiagnostic.SaExpired,
        ["value SADB_X_EALG_AESCBC"] = (long)EncryptAlgorithm.AesCbc,
        ["value SADB_AALG_SHA1HMAC"] = (long)AuthAlgorithm.Sha1Hmac,
        ["value IPSEC_MODE_TUNNEL"] = (long)IpsecMode.Tunnel,
        ["value IPSEC_LEVEL_UNIQUE"] = (long)IpsecLevel.Unique,
        ["value SADB_X_SAFLAGS_ESN"] = (long)SaFlags.Esn,
        ["value SADB_X_EXT_PSEQ"] = 0,
        ["value SADB_X_EXT_PRAND"] = (long)SaFlags.PaddingRandom,
        ["value SADB_X_EXT_PZERO"] = (long)SaFlags.PaddingZero,
        ["value SADB_X_EXT_PMASK"] = (long)(SaFlags.PaddingRandom | SaFlags.PaddingZero),
    };

    [FactWhenCCompiler]
    public void CAndCSharpAgreeOnLayoutsConstantsAndMessageBytes()
    {
        string output = CCompiler.CompileAndRun(Program, RepositoryFiles.IncludeDirectory);
        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int split = line.LastIndexOf(' ');
            printed[line[..split]] = line[(split + 1)..];
        }

        foreach ((string name, long value) in Expected)
        {
            Assert.True(printed.TryGetValue(name, out string? text), $"{name} not printed");
            Assert.True(long.Parse(text, CultureInfo.InvariantCulture) == value, $"{name}: C says {text}, C# {value}");
        }

        Assert.Equal(Convert.ToHexStringLower(SampleMessages.EspAdd()), printed["message"]);
    }
}
