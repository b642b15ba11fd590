using System.Buffers.Binary;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_SA, <c>struct sadb_sa</c> (RFC 2367 §2.3.1):
/// <code>
/// | len | exttype | spi (network order) | replay | state | auth | encrypt | flags |
///   0     2         4                     8        9       10     11        12..15
/// </code>
/// </summary>
/// <param name="Spi">The SPI, as a number (stored big-endian on the wire).</param>
/// <param name="ReplayWindow">Replay window size in packets; 0 for none.</param>
/// <param name="State">The SA's state (replies only; requests leave it 0).</param>
/// <param name="Auth">Authentication algorithm.</param>
/// <param name="Encrypt">Encryption algorithm, or for an IPComp SA the <see cref="CompressAlgorithm"/> value.</param>
/// <param name="Flags">SA flags.</param>
public readonly record struct SaExtension(uint Spi, byte ReplayWindow, SaState State, AuthAlgorithm Auth, EncryptAlgorithm Encrypt, SaFlags Flags)
{
    internal const int FixedLength = 16;
    private const int SpiOffset = 4;
    private const int ReplayOffset = 8;
    private const int StateOffset = 9;
    private const int AuthOffset = 10;
    private const int EncryptOffset = 11;
    private const int FlagsOffset = 12;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out SaExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new SaExtension(
            BinaryPrimitives.ReadUInt32BigEndian(extension[SpiOffset..]),
            extension[ReplayOffset],
            (SaState)extension[StateOffset],
            (AuthAlgorithm)extension[AuthOffset],
            (EncryptAlgorithm)extension[EncryptOffset],
            (SaFlags)HostOrder.ReadUInt32(extension[FlagsOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        BinaryPrimitives.WriteUInt32BigEndian(extension[SpiOffset..], Spi);
        extension[ReplayOffset] = ReplayWindow;
        extension[StateOffset] = (byte)State;
        extension[AuthOffset] = (byte)Auth;
        extension[EncryptOffset] = (byte)Encrypt;
        HostOrder.WriteUInt32(extension[FlagsOffset..], (uint)Flags);
    }
}
