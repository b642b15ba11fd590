using System.Security.Cryptography;
using System.Text;
using Netipsec.Crypto;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using EspPadding = Netipsec.States.EspPadding;

namespace Netipsec.PfKey.Setkey;

internal sealed partial class SetkeyParser
{
    private const string AddOptions = "an option (-m, -r, -u, -f, -lh, -ls, -bh, -bs, -seq, -E, -A, -C) or ';'";

    /// <summary>RFC 4303 §2.1: SPIs 1-255 are reserved by IANA and 0 means "no SA".</summary>
    private const uint FirstSpi = 256;

    /// <summary>RFC 3173 §3.3: a CPI is 16 bits.</summary>
    private const uint MaxCpi = ushort.MaxValue;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>UDP_ENCAP_ESPINUDP (RFC 3948).</summary>
    private const byte EspInUdp = 2;

    /// <summary><c>add src dst protocol spi options algorithms ;</c></summary>
    private SetkeyStatement ParseAdd(SetkeyToken keyword, uint sequence)
    {
        SaTarget target = ParseSaTarget(allowUdp: true, allowPort: true);
        var options = new SaOptions();
        try
        {
            while (Peek.Kind != SetkeyTokenKind.Semicolon)
            {
                ParseAddOption(NextWord(AddOptions), options, target.Protocol.SaType);
            }

            ExpectSemicolon();
            CheckAdd(keyword, target, options);
            return Statement(keyword, SetkeyStatementKind.Add, WriteAdd(target, options, sequence));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(options.Encryption?.Key);
            CryptographicOperations.ZeroMemory(options.Authentication?.Key);
        }
    }

    /// <summary><c>get</c> / <c>delete src dst protocol spi ;</c></summary>
    private SetkeyStatement ParseSaByIdentity(SetkeyToken keyword, SetkeyStatementKind kind, MessageType type, uint sequence)
    {
        SaTarget target = ParseSaTarget(allowUdp: false, allowPort: false);
        ExpectSemicolon();
        Fits(PfKeyMessageWriter.TryCreate(_buffer, new PfKeyHeader(type, target.Protocol.SaType, sequence, 0), out PfKeyMessageWriter writer));
        Fits(writer.TryAddSa(new SaExtension(target.Spi, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
        Fits(writer.TryAddAddress(ExtensionType.AddressSrc, ToExtension(target.Source, IpsecConstants.UlProtoAny)));
        Fits(writer.TryAddAddress(ExtensionType.AddressDst, ToExtension(target.Destination, IpsecConstants.UlProtoAny)));
        return Statement(keyword, kind, writer.Message.ToArray());
    }

    /// <summary><c>deleteall src dst protocol ;</c>: a DUMP whose matching SAs the runner deletes one by one.</summary>
    private SetkeyStatement ParseDeleteAll(SetkeyToken keyword, uint sequence)
    {
        SetkeyToken sourceToken = Next();
        AddressSpec source = ParseAddress(sourceToken, "a source address", allowPrefix: false, allowPort: false);
        SetkeyToken destinationToken = Next();
        AddressSpec destination = ParseAddress(destinationToken, "a destination address", allowPrefix: false, allowPort: false);
        CheckFamilies(source, destination, destinationToken);
        SaProtocol protocol = ParseSaProtocol(Next(), allowUdp: false);
        ExpectSemicolon();
        return new SetkeyStatement(keyword.Line, keyword.Column, SetkeyStatementKind.DeleteAll, HeaderOnly(new PfKeyHeader(MessageType.Dump, protocol.SaType, sequence, 0)))
        {
            DeleteAllSource = source.Address,
            DeleteAllDestination = destination.Address,
        };
    }

    /// <summary><c>src dst protocol spi</c>, the SA's identity.</summary>
    private SaTarget ParseSaTarget(bool allowUdp, bool allowPort)
    {
        SetkeyToken sourceToken = Next();
        AddressSpec source = ParseAddress(sourceToken, "a source address", allowPrefix: false, allowPort);
        SetkeyToken destinationToken = Next();
        AddressSpec destination = ParseAddress(destinationToken, "a destination address", allowPrefix: false, allowPort);
        CheckFamilies(source, destination, destinationToken);
        SetkeyToken protocolToken = Next();
        SaProtocol protocol = ParseSaProtocol(protocolToken, allowUdp);
        if (protocol.UdpEncapsulated ? source.Port == 0 || destination.Port == 0 : source.HasPort || destination.HasPort)
        {
            throw SetkeySyntaxException.At(protocolToken, protocol.UdpEncapsulated
                ? "esp-udp needs both UDP ports: write the addresses as ADDR[PORT], e.g. 192.0.2.1[4500]"
                : $"expected esp-udp with ports on the addresses (only NAT traversal puts ports on an SA), found '{protocolToken.Text}'");
        }

        SetkeyToken spiToken = Next();
        uint spi = (uint)ParseNumber(spiToken, protocol.SaType == SaType.IpComp ? "a CPI" : "an SPI", protocol.SaType == SaType.IpComp ? MaxCpi : uint.MaxValue);
        if (protocol.SaType != SaType.IpComp && spi < FirstSpi)
        {
            throw SetkeySyntaxException.At(spiToken, $"expected an SPI of 256 or more (RFC 4303 §2.1 reserves 0-255), found {spiToken.Text}");
        }

        return new SaTarget(source, destination, protocol, spi, protocolToken);
    }

    private void ParseAddOption(SetkeyToken option, SaOptions options, SaType saType)
    {
        if (option.Text != "-f" && !options.Seen.Add(option.Text) && option.Text.StartsWith('-'))
        {
            throw SetkeySyntaxException.At(option, $"{option.Text} is given twice");
        }

        switch (option.Text)
        {
            case "-m":
                options.Mode = ParseSaMode(NextWord("a mode (transport, tunnel, beet or any)"));
                break;
            case "-r":
                options.ReplayWindow = (byte)ParseNumber(Next(), "a replay window size in packets", byte.MaxValue);
                break;
            case "-u":
                options.ReqId = (uint)ParseNumber(Next(), "a reqid", uint.MaxValue);
                break;
            case "-f":
                ParseFlag(NextWord("zero-pad, random-pad, seq-pad, nocyclic-seq or esn"), options);
                break;
            case "-lh" or "-ls" or "-bh" or "-bs":
                ParseLifetime(option, options);
                break;
            case "-seq":
                options.ReplaySequence = ParseNumber(Next(), "the last sequence number used (the SA continues from it)", ulong.MaxValue);
                options.ReplaySequenceOption = option;
                break;
            case "-E":
                options.Encryption = ParseAlgorithm(option, PfKeyAlgorithmSpace.Encryption, saType);
                break;
            case "-A":
                options.Authentication = ParseAlgorithm(option, PfKeyAlgorithmSpace.Authentication, saType);
                break;
            case "-C":
                options.Compression = ParseAlgorithm(option, PfKeyAlgorithmSpace.Compression, saType);
                break;
            case "-R" when options.Compression is not null:
                break; // The SPI is always used as the CPI (KAME's raw CPI).
            default:
                throw Expected(AddOptions, option);
        }
    }

    private static IpsecMode ParseSaMode(SetkeyToken token) => token.Text switch
    {
        "transport" => IpsecMode.Transport,
        "tunnel" => IpsecMode.Tunnel,
        "beet" => IpsecMode.Beet,
        "any" => IpsecMode.Any,
        _ => throw Expected("a mode (transport, tunnel, beet or any)", token),
    };

    /// <summary>
    /// <c>-f</c>: what ESP's padding holds (seq-pad, the RFC 4303 §2.4 default 1, 2, 3, ...; zero-pad; random-pad,
    /// KAME's SADB_X_EXT_PZERO and PRAND); that the sequence number never cycles on an SA with anti-replay (RFC 4303
    /// §3.3.3), which is nocyclic-seq once a replay window is set; and <c>esn</c> (Netipsec's) for 64-bit extended
    /// sequence numbers. KAME ORs repeated padding flags, so zero-pad with random-pad would set both bits, which the
    /// kernel refuses: two different padding choices are refused here, where the line can be named.
    /// </summary>
    private static void ParseFlag(SetkeyToken token, SaOptions options)
    {
        switch (token.Text)
        {
            case "seq-pad":
                ChoosePadding(token, EspPadding.Sequential, options);
                break;
            case "zero-pad":
                ChoosePadding(token, EspPadding.Zero, options);
                break;
            case "random-pad":
                ChoosePadding(token, EspPadding.Random, options);
                break;
            case "nocyclic-seq":
                options.NoCyclicSequence = token;
                break;
            case "esn":
                options.ExtendedSequenceNumbers = true;
                break;
            default:
                throw Expected("zero-pad, random-pad, seq-pad, nocyclic-seq or esn", token);
        }
    }

    private static void ChoosePadding(SetkeyToken token, EspPadding padding, SaOptions options)
    {
        if (options.PaddingToken is { } earlier && options.Padding != padding)
        {
            throw SetkeySyntaxException.At(token, $"-f {token.Text} contradicts -f {earlier.Text} given before: an SA pads one way only");
        }

        options.Padding = padding;
        options.PaddingToken = token;
    }

    private void ParseLifetime(SetkeyToken option, SaOptions options)
    {
        bool seconds = option.Text[1] == 'l';
        ulong value = ParseNumber(Next(), seconds ? "a lifetime in seconds" : "a lifetime in bytes", ulong.MaxValue);
        bool hard = option.Text[2] == 'h';
        LifetimeExtension current = hard ? options.Hard : options.Soft;
        current = seconds ? current with { AddTime = value } : current with { Bytes = value };
        if (hard)
        {
            options.Hard = current;
            options.HasHard = true;
        }
        else
        {
            options.Soft = current;
            options.HasSoft = true;
        }
    }

    /// <summary><c>-E|-A|-C name [key]</c>: the name in <see cref="AlgorithmTable"/>, then a key of a size it takes.</summary>
    private AlgorithmChoice ParseAlgorithm(SetkeyToken option, PfKeyAlgorithmSpace space, SaType saType)
    {
        string kind = space switch
        {
            PfKeyAlgorithmSpace.Encryption => "an encryption algorithm",
            PfKeyAlgorithmSpace.Authentication => "an authentication algorithm",
            _ => "a compression algorithm",
        };
        SetkeyToken nameToken = NextWord(kind);
        if (!AlgorithmTable.TryGetByName(space, nameToken.Text, out AlgorithmInfo? algorithm))
        {
            throw SetkeySyntaxException.At(nameToken, $"expected {kind} ({AlgorithmNames(space)}), found '{nameToken.Text}'");
        }

        CheckAlgorithmFits(option, algorithm, saType);
        bool keyFollows = Peek.Kind == SetkeyTokenKind.QuotedString || (Peek.Kind == SetkeyTokenKind.Word && Peek.Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase));
        if (algorithm.MaxKeyBits == 0)
        {
            // setkey writes "-E null" or "-E null \"\"": an algorithm without a key takes an empty one at most.
            if (keyFollows && ReadKey(Next()) is { Length: > 0 } unexpected)
            {
                CryptographicOperations.ZeroMemory(unexpected);
                throw SetkeySyntaxException.At(_tokens[_position - 1], $"{algorithm.Name} takes no key");
            }

            return new AlgorithmChoice(option, algorithm, []);
        }

        SetkeyToken keyToken = Next();
        if (!keyFollows)
        {
            throw Expected($"a key for {algorithm.Name} (0x followed by hex digits, or \"text\")", keyToken);
        }

        byte[] key = ReadKey(keyToken);
        if (!algorithm.IsValidKeyLength(key.Length))
        {
            CryptographicOperations.ZeroMemory(key);
            throw SetkeySyntaxException.At(keyToken, $"{algorithm.Name} takes a key of {KeySizes(algorithm)}, found {key.Length * 8} bits");
        }

        return new AlgorithmChoice(option, algorithm, key);
    }

    /// <summary>An algorithm's space must suit the protocol: AH authenticates only, IPComp compresses only.</summary>
    private static void CheckAlgorithmFits(SetkeyToken option, AlgorithmInfo algorithm, SaType saType)
    {
        string? problem = (saType, algorithm.Space) switch
        {
            (SaType.Ah, PfKeyAlgorithmSpace.Encryption) => "ah authenticates only: -E belongs to esp",
            (SaType.Ah or SaType.Esp, PfKeyAlgorithmSpace.Compression) => "-C belongs to ipcomp",
            (SaType.IpComp, not PfKeyAlgorithmSpace.Compression) => $"ipcomp takes only -C, found {option.Text}",
            _ => null,
        };
        if (problem is not null)
        {
            throw SetkeySyntaxException.At(option, problem);
        }
    }

    /// <summary>A key written as 0x hex (an even number of digits) or as "text" (its UTF-8 bytes).</summary>
    private static byte[] ReadKey(SetkeyToken token)
    {
        if (token.Kind == SetkeyTokenKind.QuotedString)
        {
            return Encoding.UTF8.GetBytes(token.Text);
        }

        ReadOnlySpan<char> digits = token.Text.AsSpan(2);
        int bad = digits.IndexOfAnyExcept(HexDigits);
        if (bad >= 0)
        {
            throw SetkeySyntaxException.At(token, $"expected a hex digit in the key, found '{digits[bad]}'", 2 + bad);
        }

        if (digits.Length % 2 != 0)
        {
            throw SetkeySyntaxException.At(token, $"expected an even number of hex digits in the key (whole bytes), found {digits.Length}");
        }

        return Convert.FromHexString(digits);
    }

    private static string AlgorithmNames(PfKeyAlgorithmSpace space) =>
        string.Join(", ", AlgorithmTable.All.Where(row => row.Space == space).SelectMany(row => row.Names));

    /// <summary>"128, 192 or 256 bits", with the salt or nonce the key carries at its end named.</summary>
    private static string KeySizes(AlgorithmInfo algorithm)
    {
        var sizes = new List<int>();
        for (int bits = algorithm.MinKeyBits; bits <= algorithm.MaxKeyBits; bits += Math.Max(algorithm.KeyBitsStep, 8))
        {
            if (algorithm.IsValidKeyBits(bits))
            {
                sizes.Add(bits);
            }
        }

        string list = sizes.Count == 1 ? $"{sizes[0]}" : $"{string.Join(", ", sizes.Take(sizes.Count - 1))} or {sizes[^1]}";
        string salt = algorithm.SaltBits == 0 ? string.Empty : $" (the key followed by a {algorithm.SaltBits / 8}-byte {(algorithm.Primitive == CryptoPrimitive.AesCtr ? "nonce" : "salt")})";
        return $"{list} bits{salt}";
    }

    /// <summary>What the protocol requires of the options taken together.</summary>
    private static void CheckAdd(SetkeyToken keyword, SaTarget target, SaOptions options)
    {
        SaType saType = target.Protocol.SaType;
        if (saType == SaType.Ah && options.Authentication is null)
        {
            throw SetkeySyntaxException.At(target.ProtocolToken, "ah needs an authentication algorithm: add -A NAME KEY");
        }

        if (saType == SaType.Esp && options.Encryption is null && options.Authentication is null)
        {
            throw SetkeySyntaxException.At(target.ProtocolToken, "esp needs -E NAME KEY, -A NAME KEY or both (RFC 4303 §3.2)");
        }

        if (saType == SaType.Esp && IsNull(options.Encryption) && IsNull(options.Authentication))
        {
            throw SetkeySyntaxException.At(target.ProtocolToken, "esp with null encryption needs an authentication algorithm other than null: it would protect nothing (RFC 4303 §3.2)");
        }

        if (saType == SaType.IpComp && options.Compression is null)
        {
            throw SetkeySyntaxException.At(target.ProtocolToken, "ipcomp needs a compression algorithm: add -C deflate");
        }

        if (options.Encryption?.Algorithm.Kind == Crypto.AlgorithmKind.Aead && options.Authentication is { } extra)
        {
            throw SetkeySyntaxException.At(extra.Option, $"{options.Encryption.Algorithm.Name} authenticates by itself (RFC 4303 §3.2.3): remove -A");
        }

        if (options.PaddingToken is { } padding && options.Padding != EspPadding.Sequential && saType != SaType.Esp)
        {
            throw SetkeySyntaxException.At(padding, $"{padding.Text} belongs to esp: {target.ProtocolToken.Text} has no padding to choose");
        }

        if (options.NoCyclicSequence is { } noCyclic && (options.ReplayWindow == 0 || saType == SaType.IpComp))
        {
            throw SetkeySyntaxException.At(noCyclic, "nocyclic-seq needs a replay window (-r N, N > 0): only an SA without anti-replay lets its sequence number cycle (RFC 4303 §3.3.3)");
        }

        if (options.ReplaySequenceOption is { } sequence)
        {
            if (saType == SaType.IpComp)
            {
                throw SetkeySyntaxException.At(sequence, "ipcomp has no sequence numbers: remove -seq");
            }

            if (options.ReplaySequence > uint.MaxValue && !options.ExtendedSequenceNumbers)
            {
                throw SetkeySyntaxException.At(sequence, $"-seq {options.ReplaySequence} needs 64-bit sequence numbers: add -f esn");
            }
        }

        CheckSoftBelowHard(keyword, options);
    }

    private static bool IsNull(AlgorithmChoice? choice) => choice is null || choice.Algorithm.Primitive is CryptoPrimitive.NullCipher or CryptoPrimitive.NullIntegrity;

    /// <summary>RFC 2367 §2.3.2: a soft limit above its hard limit could never fire first.</summary>
    private static void CheckSoftBelowHard(SetkeyToken keyword, SaOptions options)
    {
        LifetimeExtension hard = options.Hard;
        LifetimeExtension soft = options.Soft;
        if (hard.AddTime != 0 && soft.AddTime > hard.AddTime)
        {
            throw SetkeySyntaxException.At(keyword, $"the soft lifetime (-ls {soft.AddTime}) exceeds the hard one (-lh {hard.AddTime})");
        }

        if (hard.Bytes != 0 && soft.Bytes > hard.Bytes)
        {
            throw SetkeySyntaxException.At(keyword, $"the soft byte limit (-bs {soft.Bytes}) exceeds the hard one (-bh {hard.Bytes})");
        }
    }

    private byte[] WriteAdd(SaTarget target, SaOptions options, uint sequence)
    {
        SaType saType = target.Protocol.SaType;
        var auth = (AuthAlgorithm)(options.Authentication?.Algorithm.PfKeyId ?? 0);
        var encrypt = (EncryptAlgorithm)((options.Compression ?? options.Encryption)?.Algorithm.PfKeyId ?? 0);
        Fits(PfKeyMessageWriter.TryCreate(_buffer, new PfKeyHeader(MessageType.Add, saType, sequence, 0), out PfKeyMessageWriter writer));
        Fits(writer.TryAddSa(new SaExtension(
            target.Spi,
            options.ReplayWindow,
            SaState.Mature,
            auth,
            encrypt,
            (options.ExtendedSequenceNumbers ? SaFlags.Esn : SaFlags.None) | PaddingConversion.ToFlags(options.Padding))));
        Fits(writer.TryAddSa2(new Sa2Extension(options.Mode, 0, options.ReqId)));
        Fits(writer.TryAddAddress(ExtensionType.AddressSrc, ToExtension(target.Source with { Port = 0 }, IpsecConstants.UlProtoAny)));
        Fits(writer.TryAddAddress(ExtensionType.AddressDst, ToExtension(target.Destination with { Port = 0 }, IpsecConstants.UlProtoAny)));
        if (options.HasHard)
        {
            Fits(writer.TryAddLifetime(ExtensionType.LifetimeHard, options.Hard));
        }

        if (options.HasSoft)
        {
            Fits(writer.TryAddLifetime(ExtensionType.LifetimeSoft, options.Soft));
        }

        if (options.Encryption is { Key.Length: > 0 } encryption)
        {
            Fits(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(encryption.Key)));
        }

        if (options.Authentication is { Key.Length: > 0 } authentication)
        {
            Fits(writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(authentication.Key)));
        }

        if (options.ReplaySequenceOption is not null)
        {
            Fits(writer.TryAddReplaySequence(new ReplaySequenceExtension(options.ReplaySequence)));
        }

        if (target.Protocol.UdpEncapsulated)
        {
            Fits(writer.TryAddNatTType(new NatTTypeExtension(EspInUdp)));
            Fits(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(target.Source.Port)));
            Fits(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(target.Destination.Port)));
        }

        return writer.Message.ToArray();
    }

    /// <summary>The identity part of an SA statement.</summary>
    private readonly record struct SaTarget(AddressSpec Source, AddressSpec Destination, SaProtocol Protocol, uint Spi, SetkeyToken ProtocolToken);
}
