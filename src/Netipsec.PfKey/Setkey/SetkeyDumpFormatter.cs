using System.Globalization;
using System.Text;
using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Prints SA and policy messages the way setkey's <c>-D</c> and <c>-DP</c> (libipsec's pfkey_sadump and
/// pfkey_spdump) lay them out: the addresses on the first line, then tab-indented lines of mode, SPI, algorithms
/// with their keys in groups of four bytes, sequence, replay, state, and lifetimes. Times are local, as ctime(3)
/// prints them; a time of 0 is 20 spaces.
/// </summary>
/// <remarks>
/// Keys are printed because the dump asked for them (SADB_DUMP and SADB_GET replies carry them, RFC 2367 §3.1.10),
/// exactly as setkey does; callers that must not show keys print only messages without key extensions.
/// </remarks>
public static class SetkeyDumpFormatter
{
    // libipsec's priority names and the ranges around them (see ipsec_dump_policy): a priority within a quarter
    // of the range from "def" prints as "prio def" with the offset, and so on.
    private const uint PriorityHigh = 0x40000000;
    private const uint PriorityDefault = 0x80000000;
    private const uint PriorityLow = 0xC0000000;

    /// <summary>Bytes of a key per printed line (libipsec's ipsec_hexdump).</summary>
    private const int KeyBytesPerLine = 32;

    /// <summary>Writes one SA message (a DUMP entry or a GET reply); false, writing nothing, when it is not one.</summary>
    public static bool WriteSa(TextWriter output, ReadOnlySpan<byte> message, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(zone);
        if (!PfKeyMessage.TryParse(message, PfKeyOrigin.Service, out PfKeyMessage parsed, out _)
            || !parsed.TryGetSa(out SaExtension sa)
            || !parsed.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source)
            || !parsed.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination))
        {
            return false;
        }

        var text = new StringBuilder();
        bool natT = parsed.TryGetNatTType(out NatTTypeExtension natTType) && natTType.Type != 0;
        text.Append(CultureInfo.InvariantCulture, $"{Endpoint(source, natT ? parsed : default, ExtensionType.NatTSport)} {Endpoint(destination, natT ? parsed : default, ExtensionType.NatTDport)} \n\t");
        parsed.TryGetSa2(out Sa2Extension sa2);
        string saType = SaTypeName(parsed.Header.SaType);
        text.Append(natT && parsed.Header.SaType == SaType.Esp ? "esp-udp" : saType);
        text.Append(CultureInfo.InvariantCulture, $" mode={ModeName(sa2.Mode)} spi={sa.Spi}(0x{sa.Spi:x8}) reqid={sa2.ReqId}(0x{sa2.ReqId:x8})\n");
        if (natT && parsed.TryGetAddress(ExtensionType.NatTOa, out AddressExtension original))
        {
            text.Append(CultureInfo.InvariantCulture, $"\tNAT OA={original.Sockaddr.Address}\n");
        }

        if (parsed.Header.SaType == SaType.IpComp)
        {
            text.Append(CultureInfo.InvariantCulture, $"\tC: {AlgorithmName(PfKeyAlgorithmSpace.Compression, (byte)sa.Encrypt)} ");
        }
        else if (parsed.Header.SaType == SaType.Esp && parsed.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension encryptionKey))
        {
            AppendKey(text, "E", AlgorithmName(PfKeyAlgorithmSpace.Encryption, (byte)sa.Encrypt), encryptionKey.Key);
        }

        if (parsed.TryGetKey(ExtensionType.KeyAuth, out KeyExtension authenticationKey))
        {
            AppendKey(text, "A", AlgorithmName(PfKeyAlgorithmSpace.Authentication, (byte)sa.Auth), authenticationKey.Key);
        }

        text.Append(CultureInfo.InvariantCulture, $"\tseq=0x{sa2.Sequence:x8} replay={sa.ReplayWindow} flags=0x{(uint)sa.Flags:x8} state={StateName(sa.State)} \n");
        if (parsed.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current))
        {
            parsed.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard);
            parsed.TryGetLifetime(ExtensionType.LifetimeSoft, out LifetimeExtension soft);
            long seconds = now.ToUnixTimeSeconds();
            ulong diff = current.AddTime == 0 ? 0 : (ulong)Math.Max(0, seconds - (long)current.AddTime);
            text.Append(CultureInfo.InvariantCulture, $"\tcreated: {Time(current.AddTime, zone)}\tcurrent: {Time((ulong)seconds, zone)}\n");
            text.Append(CultureInfo.InvariantCulture, $"\tdiff: {diff}(s)\thard: {hard.AddTime}(s)\tsoft: {soft.AddTime}(s)\n");
            text.Append(CultureInfo.InvariantCulture, $"\tlast: {Time(current.UseTime, zone)}\thard: {hard.UseTime}(s)\tsoft: {soft.UseTime}(s)\n");
            text.Append(CultureInfo.InvariantCulture, $"\tcurrent: {current.Bytes}(bytes)\thard: {hard.Bytes}(bytes)\tsoft: {soft.Bytes}(bytes)\n");
            text.Append(CultureInfo.InvariantCulture, $"\tallocated: {current.Allocations}\thard: {hard.Allocations}\tsoft: {soft.Allocations}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\tsadb_seq={parsed.Header.Sequence} pid={parsed.Header.Pid} refcnt={(ushort)parsed.Header.Diagnostic}\n");
        output.Write(text.ToString());
        text.Clear(); // the builder held key hex; drop it as soon as it is written
        return true;
    }

    /// <summary>Writes one policy message (an SPDDUMP entry or SPD reply); false, writing nothing, when it is not one.</summary>
    public static bool WritePolicy(TextWriter output, ReadOnlySpan<byte> message, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(zone);
        if (!PfKeyMessage.TryParse(message, PfKeyOrigin.Service, out PfKeyMessage parsed, out _)
            || !parsed.TryGetPolicy(out PolicyExtension policy))
        {
            return false;
        }

        var text = new StringBuilder();
        if (parsed.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source)
            && parsed.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination))
        {
            text.Append(CultureInfo.InvariantCulture, $"{source.Sockaddr.Address}{PrefixAndPort(source)} {destination.Sockaddr.Address}{PrefixAndPort(destination)} {UpperProtocolName(source.Protocol)}");
        }
        else
        {
            text.Append("(no selector, probably per-socket policy) ");
        }

        text.Append("\n\t").Append(DirectionName(policy.Header.Direction)).Append(Priority(policy.Header.Priority)).Append(' ').Append(PolicyTypeName(policy.Header.Type));
        foreach (IpsecRequest request in policy.Requests)
        {
            text.Append("\n\t").Append(RequestText(request));
        }

        text.Append('\n');
        if (parsed.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current))
        {
            text.Append(CultureInfo.InvariantCulture, $"\tcreated: {Time(current.AddTime, zone)}  lastused: {Time(current.UseTime, zone)}\n");
        }

        if (parsed.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard))
        {
            text.Append(CultureInfo.InvariantCulture, $"\tlifetime: {hard.AddTime}(s) validtime: {hard.UseTime}(s)\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\tspid={policy.Header.Id} seq={parsed.Header.Sequence} pid={parsed.Header.Pid}\n");
        text.Append(CultureInfo.InvariantCulture, $"\trefcnt={(ushort)parsed.Header.Diagnostic}\n");
        output.Write(text.ToString());
        return true;
    }

    /// <summary>A request as setkey writes it: <c>esp/tunnel/192.0.2.1-192.0.2.2/unique:5</c> (<c>#</c> before an allocated reqid).</summary>
    public static string RequestText(IpsecRequest request)
    {
        string protocol = request.Protocol switch
        {
            IpProtocol.Esp => "esp",
            IpProtocol.Ah => "ah",
            IpProtocol.IpComp => "ipcomp",
            _ => ((byte)request.Protocol).ToString(CultureInfo.InvariantCulture),
        };
        string endpoints = request.TunnelSource is { } tunnelSource && request.TunnelDestination is { } tunnelDestination
            ? $"{tunnelSource.Address}-{tunnelDestination.Address}"
            : string.Empty;
        string level = request.Level switch
        {
            IpsecLevel.Default => "default",
            IpsecLevel.Use => "use",
            IpsecLevel.Require => "require",
            IpsecLevel.Unique => "unique",
            _ => ((byte)request.Level).ToString(CultureInfo.InvariantCulture),
        };
        string reqId = request.ReqId == 0 ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"{(request.ReqId > IpsecConstants.ManualReqidMax ? '#' : ':')}{request.ReqId}");
        return $"{protocol}/{ModeName(request.Mode)}/{endpoints}/{level}{reqId}";
    }

    /// <summary>The name of an SA type as setkey prints it.</summary>
    public static string SaTypeName(SaType type) => type switch
    {
        SaType.Unspecified => "unspec",
        SaType.Ah => "ah",
        SaType.Esp => "esp",
        SaType.Rsvp => "rsvp",
        SaType.Ospfv2 => "ospfv2",
        SaType.Ripv2 => "ripv2",
        SaType.Mip => "mip",
        SaType.IpComp => "ipcomp",
        _ => ((byte)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The setkey name of an algorithm id (the first name <see cref="AlgorithmTable"/> gives it), "none" for 0.</summary>
    public static string AlgorithmName(PfKeyAlgorithmSpace space, byte id) =>
        id == 0 ? "none" : AlgorithmTable.TryGetByPfKeyId(space, id, out AlgorithmInfo? algorithm) ? algorithm.Name : id.ToString(CultureInfo.InvariantCulture);

    private static string ModeName(IpsecMode mode) => mode switch
    {
        IpsecMode.Any => "any",
        IpsecMode.Transport => "transport",
        IpsecMode.Tunnel => "tunnel",
        IpsecMode.Beet => "beet",
        _ => ((byte)mode).ToString(CultureInfo.InvariantCulture),
    };

    private static string StateName(SaState state) => state switch
    {
        SaState.Larval => "larval",
        SaState.Mature => "mature",
        SaState.Dying => "dying",
        SaState.Dead => "dead",
        _ => ((byte)state).ToString(CultureInfo.InvariantCulture),
    };

    private static string DirectionName(IpsecDirection direction) => direction switch
    {
        IpsecDirection.Any => "any",
        IpsecDirection.Inbound => "in",
        IpsecDirection.Outbound => "out",
        IpsecDirection.Fwd => "fwd",
        _ => ((byte)direction).ToString(CultureInfo.InvariantCulture),
    };

    private static string PolicyTypeName(IpsecPolicyType type) => type switch
    {
        IpsecPolicyType.Discard => "discard",
        IpsecPolicyType.None => "none",
        IpsecPolicyType.Ipsec => "ipsec",
        IpsecPolicyType.Entrust => "entrust",
        IpsecPolicyType.Bypass => "bypass",
        _ => ((ushort)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The names /etc/protocols gives, which setkey prints through getprotobynumber; 255 is "any".</summary>
    private static string UpperProtocolName(byte protocol) => protocol switch
    {
        IpsecConstants.UlProtoAny => "any",
        1 => "icmp",
        4 => "ipencap",
        6 => "tcp",
        17 => "udp",
        41 => "ipv6",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "ipv6-icmp",
        108 => "ipcomp",
        132 => "sctp",
        135 => "mobility-header",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>" prio def + 10" and the like; nothing for priority 0.</summary>
    private static string Priority(uint priority)
    {
        if (priority == 0)
        {
            return string.Empty;
        }

        (string name, uint basis) = priority < PriorityDefault / 4 * 3 ? ("high", PriorityHigh)
            : priority < PriorityDefault / 4 * 5 ? ("def", PriorityDefault)
            : ("low", PriorityLow);
        long offset = (long)basis - priority; // "+ N" is more urgent: a lower number
        return offset == 0
            ? $" prio {name}"
            : string.Create(CultureInfo.InvariantCulture, $" prio {name} {(offset > 0 ? '+' : '-')} {Math.Abs(offset)}");
    }

    /// <summary>"/24" unless the prefix is the whole address, then "[port]" or "[any]" except for ICMP, ICMPv6, MH and GRE.</summary>
    private static string PrefixAndPort(AddressExtension address)
    {
        string prefix = address.PrefixLength == address.Sockaddr.Address.BitLength ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"/{address.PrefixLength}");
        string port = address.Protocol is 1 or 58 or 135 or 47 ? string.Empty
            : address.Sockaddr.Port == IpsecConstants.PortAny ? "[any]"
            : string.Create(CultureInfo.InvariantCulture, $"[{address.Sockaddr.Port}]");
        return prefix + port;
    }

    /// <summary>An SA endpoint: the address, with the NAT-T port when the SA is ESP in UDP.</summary>
    private static string Endpoint(AddressExtension address, PfKeyMessage natT, ExtensionType portType) =>
        !natT.Bytes.IsEmpty && natT.TryGetNatTPort(portType, out NatTPortExtension port)
            ? string.Create(CultureInfo.InvariantCulture, $"{address.Sockaddr.Address}[{port.Port}]")
            : address.Sockaddr.Address.ToString();

    /// <summary>"\tE: aes-cbc  00010203 04050607\n": groups of four bytes, a new line every 32.</summary>
    private static void AppendKey(StringBuilder text, string label, string algorithm, ReadOnlySpan<byte> key)
    {
        text.Append('\t').Append(label).Append(": ").Append(algorithm).Append(' ');
        for (int i = 0; i < key.Length; i++)
        {
            if (i != 0 && i % KeyBytesPerLine == 0)
            {
                text.Append('\n');
            }

            if (i % 4 == 0)
            {
                text.Append(' ');
            }

            text.Append(CultureInfo.InvariantCulture, $"{key[i]:x2}");
        }

        text.Append('\n');
    }

    /// <summary>ctime(3) without the weekday and newline: "Jan  1 00:00:00 2026"; 20 spaces for 0 (never).</summary>
    private static string Time(ulong seconds, TimeZoneInfo zone)
    {
        if (seconds == 0 || seconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return new string(' ', 20);
        }

        DateTimeOffset local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds((long)seconds), zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local:MMM} {local.Day,2} {local:HH:mm:ss yyyy}");
    }
}
