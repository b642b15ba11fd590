namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_SEC_CTX, <c>struct sadb_x_sec_ctx</c> followed by the context string, padded to 8 bytes:
/// <code>
/// | len | exttype | alg | doi | ctx_len (bytes) | context, padding |
///   0     2         4     5     6                 8
/// </code>
/// A view: <see cref="Context"/> points into the message.
/// </summary>
public readonly ref struct SecurityContextExtension
{
    internal const int FixedLength = 8;
    private const int AlgorithmOffset = 4;
    private const int DoiOffset = 5;
    private const int ContextLengthOffset = 6;
    private const int ContextOffset = 8;

    /// <param name="algorithm">The security module (SELinux is 1).</param>
    /// <param name="doi">Domain of interpretation.</param>
    /// <param name="context">The context, at most 65535 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="context"/> is longer than 65535 bytes.</exception>
    public SecurityContextExtension(byte algorithm, byte doi, ReadOnlySpan<byte> context)
    {
        if (context.Length > ushort.MaxValue)
        {
            throw new ArgumentException("A security context has at most 65535 bytes.", nameof(context));
        }

        Algorithm = algorithm;
        Doi = doi;
        Context = context;
    }

    public byte Algorithm { get; }

    public byte Doi { get; }

    public ReadOnlySpan<byte> Context { get; }

    internal int EncodedLength => PfKeyMessageWriter.Align(ContextOffset + Context.Length);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out SecurityContextExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        int length = HostOrder.ReadUInt16(extension[ContextLengthOffset..]);
        if (length > extension.Length - ContextOffset)
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new SecurityContextExtension(extension[AlgorithmOffset], extension[DoiOffset], extension.Slice(ContextOffset, length));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        extension[AlgorithmOffset] = Algorithm;
        extension[DoiOffset] = Doi;
        HostOrder.WriteUInt16(extension[ContextLengthOffset..], (ushort)Context.Length);
        Context.CopyTo(extension[ContextOffset..]);
    }
}
