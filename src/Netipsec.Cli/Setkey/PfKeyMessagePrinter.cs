using System.Globalization;
using System.Text;
using Netipsec.Crypto;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

namespace Netipsec.Cli.Setkey;

/// <summary>
/// Decodes any PF_KEY message field by field, as <c>setkey -x</c> (libipsec's kdebug_sadb) does: the base header,
/// then one line per extension in the order sent. A KAME-style SADB_X_PROMISC wrapper is unwrapped and marked.
/// Keys are printed in hex, as setkey -x prints them: the monitor is a debugging tool for the administrator.
/// </summary>
internal static class PfKeyMessagePrinter
{
    public static string Describe(ReadOnlySpan<byte> message)
    {
        var text = new StringBuilder();
        // KAME's promiscuous sockets receive each message behind an SADB_X_PROMISC header of its own.
        if (message.Length > PfKeyConstants.HeaderLength && message[1] == (byte)MessageType.Promisc
            && PfKeyMessage.TryParse(message[PfKeyConstants.HeaderLength..], PfKeyOrigin.Service, out _, out _))
        {
            text.Append("(promisc) ");
            message = message[PfKeyConstants.HeaderLength..];
        }

        if (!PfKeyMessage.TryParse(message, PfKeyOrigin.Service, out PfKeyMessage parsed, out PfKeyError error))
        {
            return $"malformed message of {message.Length} bytes: {error.Reason} ({PfKeyErrorText.Describe(error.Errno, error.Diagnostic)})\n";
        }

        PfKeyHeader header = parsed.Header;
        text.Append(CultureInfo.InvariantCulture,
            $"sadb_msg{{ version=2 type={(byte)header.Type}({TypeName(header.Type)}) errno={(byte)header.Errno} satype={(byte)header.SaType}({SetkeyDumpFormatter.SaTypeName(header.SaType)}) len={parsed.Bytes.Length / PfKeyConstants.Alignment} reserved={(ushort)header.Diagnostic} seq={header.Sequence} pid={header.Pid} }}");
        if (header.Errno != PfKeyErrno.None)
        {
            text.Append(" ; ").Append(PfKeyErrorText.Describe(header.Errno, header.Diagnostic));
        }

        text.Append('\n');
        foreach (RawExtension extension in parsed.Extensions)
        {
            text.Append(' ');
            AppendExtension(text, parsed, extension);
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void AppendExtension(StringBuilder text, PfKeyMessage message, RawExtension raw)
    {
        ExtensionType type = raw.Type;
        switch (type)
        {
            case ExtensionType.Sa when message.TryGetSa(out SaExtension sa):
                text.Append(CultureInfo.InvariantCulture,
                    $"sadb_sa{{ spi={sa.Spi}(0x{sa.Spi:x8}) replay={sa.ReplayWindow} state={(byte)sa.State} auth={(byte)sa.Auth}({SetkeyDumpFormatter.AlgorithmName(PfKeyAlgorithmSpace.Authentication, (byte)sa.Auth)}) encrypt={(byte)sa.Encrypt}({EncryptName(message.Header.SaType, (byte)sa.Encrypt)}) flags=0x{(uint)sa.Flags:x8} }}");
                break;
            case ExtensionType.Sa2 when message.TryGetSa2(out Sa2Extension sa2):
                text.Append(CultureInfo.InvariantCulture, $"sadb_x_sa2{{ mode={(byte)sa2.Mode} reqid={sa2.ReqId} seq={sa2.Sequence} }}");
                break;
            case ExtensionType.LifetimeCurrent or ExtensionType.LifetimeHard or ExtensionType.LifetimeSoft when message.TryGetLifetime(type, out LifetimeExtension lifetime):
                text.Append(CultureInfo.InvariantCulture,
                    $"sadb_lifetime{{ type={LifetimeName(type)} alloc={lifetime.Allocations} bytes={lifetime.Bytes} addtime={lifetime.AddTime} usetime={lifetime.UseTime} }}");
                break;
            case ExtensionType.KeyAuth or ExtensionType.KeyEncrypt when message.TryGetKey(type, out KeyExtension key):
                text.Append(CultureInfo.InvariantCulture, $"sadb_key{{ type={(type == ExtensionType.KeyAuth ? "auth" : "encrypt")} bits={key.Bits} key={Convert.ToHexStringLower(key.Key)} }}");
                break;
            case ExtensionType.Policy when message.TryGetPolicy(out PolicyExtension policy):
                text.Append(CultureInfo.InvariantCulture,
                    $"sadb_x_policy{{ type={(ushort)policy.Header.Type} dir={(byte)policy.Header.Direction} id={policy.Header.Id} priority={policy.Header.Priority} }}");
                foreach (IpsecRequest request in policy.Requests)
                {
                    text.Append("\n  sadb_x_ipsecrequest{ ").Append(SetkeyDumpFormatter.RequestText(request)).Append(" }");
                }

                break;
            case ExtensionType.SupportedAuth or ExtensionType.SupportedEncrypt when message.TryGetSupported(type, out SupportedExtension supported):
                AppendSupported(text, type, supported);
                break;
            case ExtensionType.Proposal when message.TryGetProposal(out ProposalExtension proposal):
                text.Append(CultureInfo.InvariantCulture, $"sadb_prop{{ replay={proposal.ReplayWindow} combs={proposal.Count} }}");
                for (int i = 0; i < proposal.Count; i++)
                {
                    Combination combination = proposal[i];
                    text.Append(CultureInfo.InvariantCulture,
                        $"\n  sadb_comb{{ auth={(byte)combination.Auth} encrypt={(byte)combination.Encrypt} auth_bits={combination.AuthMinBits}-{combination.AuthMaxBits} encrypt_bits={combination.EncryptMinBits}-{combination.EncryptMaxBits} hard_addtime={combination.HardAddTime} soft_addtime={combination.SoftAddTime} }}");
                }

                break;
            case ExtensionType.SpiRange when message.TryGetSpiRange(out SpiRangeExtension range):
                text.Append(CultureInfo.InvariantCulture, $"sadb_spirange{{ min=0x{range.Min:x8} max=0x{range.Max:x8} }}");
                break;
            case ExtensionType.NatTType when message.TryGetNatTType(out NatTTypeExtension natType):
                text.Append(CultureInfo.InvariantCulture, $"sadb_x_nat_t_type{{ type={natType.Type} }}");
                break;
            case ExtensionType.NatTSport or ExtensionType.NatTDport when message.TryGetNatTPort(type, out NatTPortExtension port):
                text.Append(CultureInfo.InvariantCulture, $"sadb_x_nat_t_port{{ type={(type == ExtensionType.NatTSport ? "sport" : "dport")} port={port.Port} }}");
                break;
            case ExtensionType.ReplaySequence when message.TryGetReplaySequence(out ReplaySequenceExtension replay):
                text.Append(CultureInfo.InvariantCulture, $"sadb_x_replay_seq{{ seq={replay.Sequence}(0x{replay.Sequence:x}) }}");
                break;
            case ExtensionType.Pair when message.TryGetPair(out PairExtension pair):
                text.Append(CultureInfo.InvariantCulture, $"sadb_x_pair{{ spi=0x{pair.Spi:x8} }}");
                break;
            case ExtensionType.AddressSrc or ExtensionType.AddressDst or ExtensionType.AddressProxy or ExtensionType.NatTOa or ExtensionType.AddressNattLoc
                or ExtensionType.AddressNattRem or ExtensionType.AddressInnerSrc or ExtensionType.AddressInnerDst when message.TryGetAddress(type, out AddressExtension address):
                text.Append(CultureInfo.InvariantCulture,
                    $"sadb_address{{ type={AddressName(type)} proto={address.Protocol} prefixlen={address.PrefixLength} addr={address.Sockaddr.Address} port={address.Sockaddr.Port} }}");
                break;
            default:
                // Extensions a monitor rarely meets (identity, sensitivity, KM data ...): their type and raw bytes.
                text.Append(CultureInfo.InvariantCulture, $"sadb_ext{{ type={(ushort)type}({type}) len={raw.Bytes.Length / PfKeyConstants.Alignment} data={Convert.ToHexStringLower(raw.Bytes[PfKeyConstants.ExtensionHeaderLength..])} }}");
                break;
        }
    }

    private static void AppendSupported(StringBuilder text, ExtensionType type, SupportedExtension supported)
    {
        PfKeyAlgorithmSpace space = type == ExtensionType.SupportedAuth ? PfKeyAlgorithmSpace.Authentication : PfKeyAlgorithmSpace.Encryption;
        text.Append(type == ExtensionType.SupportedAuth ? "sadb_supported{ auth" : "sadb_supported{ encrypt");
        for (int i = 0; i < supported.Count; i++)
        {
            SupportedAlgorithm algorithm = supported[i];
            text.Append(CultureInfo.InvariantCulture, $" {SetkeyDumpFormatter.AlgorithmName(space, algorithm.Id)}({algorithm.MinBits}-{algorithm.MaxBits})");
        }

        text.Append(" }");
    }

    private static string EncryptName(SaType saType, byte id) =>
        SetkeyDumpFormatter.AlgorithmName(saType == SaType.IpComp ? PfKeyAlgorithmSpace.Compression : PfKeyAlgorithmSpace.Encryption, id);

    private static string LifetimeName(ExtensionType type) => type switch
    {
        ExtensionType.LifetimeCurrent => "current",
        ExtensionType.LifetimeHard => "hard",
        _ => "soft",
    };

    private static string AddressName(ExtensionType type) => type switch
    {
        ExtensionType.AddressSrc => "src",
        ExtensionType.AddressDst => "dst",
        ExtensionType.AddressProxy => "proxy",
        ExtensionType.NatTOa => "nat_t_oa",
        ExtensionType.AddressNattLoc => "natt_loc",
        ExtensionType.AddressNattRem => "natt_rem",
        ExtensionType.AddressInnerSrc => "inner_src",
        _ => "inner_dst",
    };

    /// <summary>The SADB_* name without its prefix, lower case, as setkey's tables print message types.</summary>
    private static string TypeName(MessageType type) => type switch
    {
        MessageType.GetSpi => "getspi",
        MessageType.Promisc => "x_promisc",
        MessageType.PChange => "x_pchange",
        MessageType.SpdUpdate => "x_spdupdate",
        MessageType.SpdAdd => "x_spdadd",
        MessageType.SpdDelete => "x_spddelete",
        MessageType.SpdGet => "x_spdget",
        MessageType.SpdAcquire => "x_spdacquire",
        MessageType.SpdDump => "x_spddump",
        MessageType.SpdFlush => "x_spdflush",
        MessageType.SpdSetIdx => "x_spdsetidx",
        MessageType.SpdExpire => "x_spdexpire",
        MessageType.SpdDelete2 => "x_spddelete2",
        MessageType.NatTNewMapping => "x_nat_t_new_mapping",
        MessageType.Migrate => "x_migrate",
        MessageType.InverseAcquire => "x_inverse_acquire",
        MessageType.UpdatePair => "x_updatepair",
        MessageType.DelPair => "x_delpair",
        _ => type.ToString().ToLowerInvariant(),
    };
}
