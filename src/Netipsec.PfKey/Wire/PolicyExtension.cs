namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_POLICY, <c>struct sadb_x_policy</c> followed by <see cref="IpsecRequest"/>s (KAME):
/// <code>
/// | len | exttype | type | dir | reserved | id | priority | sadb_x_ipsecrequest ... |
///   0     2         4      6     7          8    12         16
/// </code>
/// The requests tile the rest of the extension exactly; the parser has checked each one, so enumerating them
/// cannot fail.
/// </summary>
public readonly ref struct PolicyExtension
{
    internal const int FixedLength = 16;
    private const int TypeOffset = 4;
    private const int DirectionOffset = 6;
    private const int IdOffset = 8;
    private const int PriorityOffset = 12;
    private const int RequestsOffset = 16;

    private readonly ReadOnlySpan<byte> _requests;

    private PolicyExtension(PolicyHeader header, ReadOnlySpan<byte> requests)
    {
        Header = header;
        _requests = requests;
    }

    public PolicyHeader Header { get; }

    /// <summary>The IPsec requests in order (outermost transform last, as setkey writes them).</summary>
    public IpsecRequestEnumerator Requests => new(_requests);

    internal static int EncodedLength(ReadOnlySpan<IpsecRequest> requests)
    {
        int length = RequestsOffset;
        foreach (IpsecRequest request in requests)
        {
            length += request.EncodedLength;
        }

        return PfKeyMessageWriter.Align(length);
    }

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out PolicyExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        ReadOnlySpan<byte> requests = extension[RequestsOffset..];
        for (ReadOnlySpan<byte> rest = requests; !rest.IsEmpty;)
        {
            PfKeyParseError error = IpsecRequest.TryRead(rest, out _, out int length);
            if (error != PfKeyParseError.None)
            {
                return error;
            }

            rest = rest[length..];
        }

        var header = new PolicyHeader(
            (IpsecPolicyType)HostOrder.ReadUInt16(extension[TypeOffset..]),
            (IpsecDirection)extension[DirectionOffset],
            HostOrder.ReadUInt32(extension[IdOffset..]),
            HostOrder.ReadUInt32(extension[PriorityOffset..]));
        value = new PolicyExtension(header, requests);
        return PfKeyParseError.None;
    }

    internal static void WriteBody(Span<byte> extension, PolicyHeader header, ReadOnlySpan<IpsecRequest> requests)
    {
        HostOrder.WriteUInt16(extension[TypeOffset..], (ushort)header.Type);
        extension[DirectionOffset] = (byte)header.Direction;
        HostOrder.WriteUInt32(extension[IdOffset..], header.Id);
        HostOrder.WriteUInt32(extension[PriorityOffset..], header.Priority);
        int offset = RequestsOffset;
        foreach (IpsecRequest request in requests)
        {
            request.WriteTo(extension[offset..]);
            offset += request.EncodedLength;
        }
    }
}
