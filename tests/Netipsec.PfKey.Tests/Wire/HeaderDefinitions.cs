using System.Globalization;
using System.Text.RegularExpressions;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>
/// Reads the numeric <c>#define NAME VALUE</c> lines (and <c>NAME = VALUE</c> enumerators) of a C header, and finds
/// the C# constant each name stands for by its prefix and its words (SADB_X_EXT_ADDRESS_NATT_LOC is
/// <see cref="ExtensionType.AddressNattLoc"/>).
/// </summary>
internal static partial class HeaderDefinitions
{
    // C names whose words do not spell the C# member (a leading digit, a "2_" family prefix).
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["SADB_SATYPE_UNSPEC"] = nameof(SaType.Unspecified),
        ["SADB_X_AALG_SHA2_256HMAC"] = nameof(AuthAlgorithm.Sha256Hmac),
        ["SADB_X_AALG_SHA2_384HMAC"] = nameof(AuthAlgorithm.Sha384Hmac),
        ["SADB_X_AALG_SHA2_512HMAC"] = nameof(AuthAlgorithm.Sha512Hmac),
        ["SADB_X_AALG_SM3_256HMAC"] = nameof(AuthAlgorithm.Sm3Hmac),
        ["SADB_EALG_3DESCBC"] = nameof(EncryptAlgorithm.TripleDesCbc),
        ["SADB_X_EXT_REPLAY_SEQ"] = nameof(ExtensionType.ReplaySequence),
    };

    // Most specific prefix first: SADB_X_EXT_ before SADB_X_ (message types).
    private static readonly (string Prefix, Type Enum)[] Prefixes =
    [
        ("SADB_X_DIAGNOSTIC_", typeof(PfKeyDiagnostic)),
        ("SADB_X_EXT_", typeof(ExtensionType)),
        ("SADB_EXT_", typeof(ExtensionType)),
        ("SADB_X_SAFLAGS_", typeof(SaFlags)),
        ("SADB_SAFLAGS_", typeof(SaFlags)),
        ("SADB_SASTATE_", typeof(SaState)),
        ("SADB_X_SATYPE_", typeof(SaType)),
        ("SADB_SATYPE_", typeof(SaType)),
        ("SADB_X_AALG_", typeof(AuthAlgorithm)),
        ("SADB_AALG_", typeof(AuthAlgorithm)),
        ("SADB_X_EALG_", typeof(EncryptAlgorithm)),
        ("SADB_EALG_", typeof(EncryptAlgorithm)),
        ("SADB_X_CALG_", typeof(CompressAlgorithm)),
        ("SADB_IDENTTYPE_", typeof(IdentityType)),
        ("SADB_X_ALGTYPE_", typeof(AlgorithmKind)),
        ("IPSEC_MODE_", typeof(IpsecMode)),
        ("IPSEC_DIR_", typeof(IpsecDirection)),
        ("IPSEC_POLICY_", typeof(IpsecPolicyType)),
        ("IPSEC_LEVEL_", typeof(IpsecLevel)),
        ("SADB_X_", typeof(MessageType)),
        ("SADB_", typeof(MessageType)),
    ];

    private static readonly Dictionary<string, long> Plain = new(StringComparer.Ordinal)
    {
        ["PF_KEY_V2"] = PfKeyConstants.Version,
        ["PFKEYV2_REVISION"] = PfKeyConstants.Revision,
        ["SADB_X_DIAGNOSTIC_MAX"] = PfKeyConstants.DiagnosticMax,
        ["IPSEC_PORT_ANY"] = IpsecConstants.PortAny,
        ["IPSEC_ULPROTO_ANY"] = IpsecConstants.UlProtoAny,
        ["IPSEC_PROTO_ANY"] = IpsecConstants.ProtoAny,
        ["IPSEC_MANUAL_REQID_MAX"] = IpsecConstants.ManualReqidMax,
        ["IPSEC_REPLAYWSIZE"] = IpsecConstants.ReplayWindowSize,

        // KAME's padding bits of sadb_sa_flags keep KAME's SADB_X_EXT_ names although they are SA flags.
        ["SADB_X_EXT_PSEQ"] = (long)SaFlags.None,
        ["SADB_X_EXT_PRAND"] = (long)SaFlags.PaddingRandom,
        ["SADB_X_EXT_PZERO"] = (long)SaFlags.PaddingZero,
        ["SADB_X_EXT_PMASK"] = (long)(SaFlags.PaddingRandom | SaFlags.PaddingZero),
    };

    /// <summary>Every numeric definition of the header, in order.</summary>
    public static List<(string Name, long Value)> Read(string path)
    {
        var definitions = new List<(string, long)>();
        foreach (string line in File.ReadLines(path))
        {
            Match match = Definition().Match(line);
            if (match.Success)
            {
                string text = match.Groups["value"].Value.TrimEnd('L', 'U');
                long value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : long.Parse(text, CultureInfo.InvariantCulture);
                definitions.Add((match.Groups["name"].Value, value));
            }
        }

        return definitions;
    }

    /// <summary>
    /// The C# value for a C name, or null for a name that only bounds a range (SADB_EXT_MAX, IPSEC_DIR_MAX ...),
    /// which Netipsec does not mirror. Throws when the name maps to nothing: every other name must have a C# twin.
    /// </summary>
    public static long? CSharpValue(string name)
    {
        if (Plain.TryGetValue(name, out long plain))
        {
            return plain;
        }

        if (name.EndsWith("_MAX", StringComparison.Ordinal))
        {
            return null;
        }

        foreach ((string prefix, Type type) in Prefixes)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            string wanted = Renamed.TryGetValue(name, out string? renamed) ? renamed : name[prefix.Length..].Replace("_", "", StringComparison.Ordinal);
            foreach (string member in Enum.GetNames(type))
            {
                if (string.Equals(member, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return Convert.ToInt64(Enum.Parse(type, member), CultureInfo.InvariantCulture);
                }
            }

            throw new InvalidOperationException($"{name}: no {type.Name}.{wanted}");
        }

        throw new InvalidOperationException($"{name}: no C# constant");
    }

    [GeneratedRegex(@"^\s*(?:#define\s+(?<name>[A-Z][A-Z0-9_]*)\s+|(?<name>IPSEC_[A-Z0-9_]+)\s*=\s*)(?<value>0x[0-9a-fA-F]+|\d+)L?U?\b")]
    private static partial Regex Definition();
}
