using System.Globalization;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;

namespace Netipsec.PfKey.Setkey;

internal sealed partial class SetkeyParser
{
    // libipsec's priority names (ipsec-tools): "prio def" is the middle of the 32-bit range, "high" and "low" a quarter
    // of it to either side; an offset is written "+ N" (N more urgent, a lower number) or "- N".
    private const uint PriorityHigh = 0x40000000;
    private const uint PriorityDefault = 0x80000000;
    private const uint PriorityLow = 0xC0000000;

    private const string Actions = "a policy (discard, none or ipsec)";

    /// <summary><c>spdadd|spdupdate|spddelete src_range dst_range upperspec -P policy ;</c></summary>
    private SetkeyStatement ParsePolicy(SetkeyToken keyword, SetkeyStatementKind kind, MessageType type, uint sequence)
    {
        AddressSpec source = ParseAddress(Next(), "a source range", allowPrefix: true, allowPort: true);
        SetkeyToken destinationToken = Next();
        AddressSpec destination = ParseAddress(destinationToken, "a destination range", allowPrefix: true, allowPort: true);
        CheckFamilies(source, destination, destinationToken);
        byte protocol = ParseUpperProtocol(Next());
        SetkeyToken option = Next();
        if (!option.IsWord("-P"))
        {
            throw Expected("-P", option);
        }

        PolicySpec policy = ParsePolicySpec(actionRequired: kind != SetkeyStatementKind.SpdDelete);
        ExpectSemicolon();

        Fits(PfKeyMessageWriter.TryCreate(_buffer, new PfKeyHeader(type, SaType.Unspecified, sequence, 0), out PfKeyMessageWriter writer));
        Fits(writer.TryAddAddress(ExtensionType.AddressSrc, ToExtension(source, protocol)));
        Fits(writer.TryAddAddress(ExtensionType.AddressDst, ToExtension(destination, protocol)));
        Fits(writer.TryAddPolicy(policy.Header, policy.Requests.ToArray()));
        return Statement(keyword, kind, writer.Message.ToArray());
    }

    /// <summary><c>in|out|fwd [prio ...] discard|none|ipsec request...</c>; spddelete may stop after the direction.</summary>
    private PolicySpec ParsePolicySpec(bool actionRequired)
    {
        SetkeyToken directionToken = NextWord("a direction (in, out or fwd)");
        IpsecDirection direction = directionToken.Text switch
        {
            "in" => IpsecDirection.Inbound,
            "out" => IpsecDirection.Outbound,
            "fwd" => IpsecDirection.Fwd,
            _ => throw Expected("a direction (in, out or fwd)", directionToken),
        };
        uint priority = Peek.IsWord("prio") || Peek.IsWord("priority") ? ParsePriority() : 0;
        if (!actionRequired && Peek.Kind == SetkeyTokenKind.Semicolon)
        {
            return new PolicySpec(new PolicyHeader(IpsecPolicyType.None, direction, 0, priority), []);
        }

        SetkeyToken actionToken = NextWord(Actions);
        IpsecPolicyType action = actionToken.Text switch
        {
            "discard" => IpsecPolicyType.Discard,
            "none" => IpsecPolicyType.None,
            "ipsec" => IpsecPolicyType.Ipsec,
            "entrust" or "bypass" => throw SetkeySyntaxException.At(actionToken, $"{actionToken.Text} is a per-socket policy; an SPD entry takes discard, none or ipsec"),
            _ => throw Expected(Actions, actionToken),
        };

        var requests = new List<IpsecRequest>();
        while (Peek.Kind == SetkeyTokenKind.Word)
        {
            SetkeyToken requestToken = Next();
            if (action != IpsecPolicyType.Ipsec)
            {
                throw SetkeySyntaxException.At(requestToken, $"expected ';' ({actionToken.Text} takes no requests), found {requestToken.Describe()}");
            }

            if (requests.Count == SecurityPolicy.MaxTemplates)
            {
                throw SetkeySyntaxException.At(requestToken, $"a policy has at most {SecurityPolicy.MaxTemplates} requests");
            }

            requests.Add(ParseRequest(requestToken));
        }

        if (action == IpsecPolicyType.Ipsec && requests.Count == 0)
        {
            throw Expected("a request such as esp/transport//require", Peek);
        }

        return new PolicySpec(new PolicyHeader(action, direction, 0, priority), requests);
    }

    /// <summary><c>prio N</c>, or <c>prio high|def|low</c> with an optional <c>+ N</c> / <c>- N</c> (also <c>+N</c>).</summary>
    private uint ParsePriority()
    {
        Next();
        SetkeyToken level = NextWord("a priority (a number, or high, def or low)");
        uint basis = level.Text switch
        {
            "high" => PriorityHigh,
            "def" or "default" => PriorityDefault,
            "low" => PriorityLow,
            _ => (uint)ParseNumber(level, "a priority (a number, or high, def or low)", uint.MaxValue),
        };
        if (!char.IsAsciiLetter(level.Text[0]) || Peek.Kind != SetkeyTokenKind.Word || Peek.Text[0] is not ('+' or '-'))
        {
            return basis;
        }

        SetkeyToken sign = Next();
        SetkeyToken amount = sign.Text.Length > 1 ? sign with { Text = sign.Text[1..], Column = sign.Column + 1 } : Next();
        ulong offset = ParseNumber(amount, "a priority offset", PriorityHigh);
        return sign.Text[0] == '+' ? basis - (uint)offset : basis + (uint)offset;
    }

    /// <summary><c>protocol/mode/src-dst/level</c>: the endpoints and the level may be left out (<c>esp/transport//require</c>).</summary>
    private static IpsecRequest ParseRequest(SetkeyToken token)
    {
        string[] parts = token.Text.Split('/');
        if (parts.Length is < 2 or > 4)
        {
            throw SetkeySyntaxException.At(token, $"expected a request protocol/mode/src-dst/level such as esp/tunnel/192.0.2.1-192.0.2.2/require, found {token.Describe()}");
        }

        int offset = 0;
        IpProtocol protocol = parts[0] switch
        {
            "esp" => IpProtocol.Esp,
            "ah" => IpProtocol.Ah,
            "ipcomp" => IpProtocol.IpComp,
            _ => throw SetkeySyntaxException.At(token, $"expected a request protocol (esp, ah or ipcomp), found '{parts[0]}'"),
        };
        offset += parts[0].Length + 1;
        IpsecMode mode = parts[1] switch
        {
            "transport" => IpsecMode.Transport,
            "tunnel" => IpsecMode.Tunnel,
            "beet" => IpsecMode.Beet,
            _ => throw SetkeySyntaxException.At(token, $"expected a request mode (transport, tunnel or beet), found '{parts[1]}'", offset),
        };
        offset += parts[1].Length + 1;
        var request = new IpsecRequest(protocol, mode, IpsecLevel.Default, 0);
        string endpoints = parts.Length > 2 ? parts[2] : string.Empty;
        if (endpoints.Length > 0)
        {
            request = WithEndpoints(token, request, endpoints, offset);
        }
        else if (mode == IpsecMode.Tunnel)
        {
            throw SetkeySyntaxException.At(token, "expected the tunnel's endpoints (tunnel/SRC-DST/), found none", Math.Min(offset, token.Text.Length));
        }

        offset += endpoints.Length + 1;
        return parts.Length == 4 ? ParseLevel(token, request, parts[3], offset) : request;
    }

    private static IpsecRequest WithEndpoints(SetkeyToken token, IpsecRequest request, string endpoints, int offset)
    {
        if (request.Mode == IpsecMode.Transport)
        {
            throw SetkeySyntaxException.At(token, $"expected no endpoints in transport mode (transport//LEVEL), found '{endpoints}'", offset);
        }

        int dash = endpoints.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            throw SetkeySyntaxException.At(token, $"expected the endpoints as SRC-DST, found '{endpoints}'", offset);
        }

        string sourceText = endpoints[..dash];
        string destinationText = endpoints[(dash + 1)..];
        if (!TryParseIpAddress(sourceText, out IpAddress source))
        {
            throw SetkeySyntaxException.At(token, $"expected a tunnel source address, found '{sourceText}'", offset);
        }

        if (!TryParseIpAddress(destinationText, out IpAddress destination))
        {
            throw SetkeySyntaxException.At(token, $"expected a tunnel destination address, found '{destinationText}'", offset + dash + 1);
        }

        if (source.Version != destination.Version)
        {
            throw SetkeySyntaxException.At(token, $"expected an {Family(source)} tunnel destination like the source, found {Family(destination)} '{destinationText}'", offset + dash + 1);
        }

        return request with { TunnelSource = new Sockaddr(source), TunnelDestination = new Sockaddr(destination) };
    }

    /// <summary><c>default|use|require|unique</c>, or <c>unique:N</c> binding the request to SAs of reqid N.</summary>
    private static IpsecRequest ParseLevel(SetkeyToken token, IpsecRequest request, string text, int offset)
    {
        const string Levels = "a level (default, use, require, unique or unique:N)";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? text : text[..colon];
        IpsecLevel level = name switch
        {
            "default" => IpsecLevel.Default,
            "use" => IpsecLevel.Use,
            "require" => IpsecLevel.Require,
            "unique" => IpsecLevel.Unique,
            _ => throw SetkeySyntaxException.At(token, $"expected {Levels}, found '{text}'", offset),
        };
        if (colon < 0)
        {
            return request with { Level = level };
        }

        string number = text[(colon + 1)..];
        if (level != IpsecLevel.Unique)
        {
            throw SetkeySyntaxException.At(token, $"expected {Levels} (only unique takes a reqid), found '{text}'", offset);
        }

        return uint.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out uint reqId) && reqId is > 0 and <= IpsecConstants.ManualReqidMax
            ? request with { Level = level, ReqId = reqId }
            : throw SetkeySyntaxException.At(token, $"expected a reqid 1-{IpsecConstants.ManualReqidMax} after unique:, found '{number}'", offset + colon + 1);
    }

    private readonly record struct PolicySpec(PolicyHeader Header, List<IpsecRequest> Requests);
}
