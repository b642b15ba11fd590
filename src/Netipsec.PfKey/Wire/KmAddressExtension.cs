namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_KMADDRESS, <c>struct sadb_x_kmaddress</c> followed by two sockaddrs of one family: the addresses the
/// key manager negotiates from and to (used by MIGRATE).
/// <code>
/// | len | exttype | reserved | sockaddr local | sockaddr remote | padding |
///   0     2         4          8
/// </code>
/// </summary>
public readonly record struct KmAddressExtension(Sockaddr Local, Sockaddr Remote)
{
    internal const int FixedLength = 8;
    private const int AddressesOffset = 8;

    internal int EncodedLength => PfKeyMessageWriter.Align(AddressesOffset + Local.Length + Remote.Length);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out KmAddressExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        PfKeyParseError error = Sockaddr.TryRead(extension[AddressesOffset..], out Sockaddr local, out int localLength);
        if (error != PfKeyParseError.None)
        {
            return error;
        }

        error = Sockaddr.TryRead(extension[(AddressesOffset + localLength)..], out Sockaddr remote, out _);
        if (error != PfKeyParseError.None)
        {
            return error;
        }

        if (local.Family != remote.Family)
        {
            return PfKeyParseError.BadAddressFamily;
        }

        value = new KmAddressExtension(local, remote);
        return PfKeyParseError.None;
    }

    /// <exception cref="ArgumentException">The two addresses differ in family.</exception>
    internal void Validate()
    {
        if (Local.Family != Remote.Family)
        {
            throw new ArgumentException("Both key-manager addresses have one family.");
        }
    }

    internal void WriteBody(Span<byte> extension)
    {
        Local.WriteTo(extension[AddressesOffset..]);
        Remote.WriteTo(extension[(AddressesOffset + Local.Length)..]);
    }
}
