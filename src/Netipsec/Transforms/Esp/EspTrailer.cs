using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// The ESP trailer inside the encrypted part (RFC 4303 §2.4–2.6): padding (1, 2, 3, ... by default, else zeros or
/// random bytes as the SA's <see cref="EspPadding"/> says), the pad length and the next header, aligned so the
/// ciphertext ends on a 4-byte boundary.
/// </summary>
internal static class EspTrailer
{
    /// <summary>The pad length and next header bytes that follow the padding.</summary>
    internal const int FixedLength = 2;

    /// <summary>RFC 4303 §2.4: payload, padding, pad length and next header end on a 4-byte boundary.</summary>
    internal const int MinimumAlignment = 4;

    /// <summary>
    /// The boundary the encrypted part ends on for a cipher of <paramref name="blockSize"/> bytes: the block size of
    /// a block cipher (RFC 4303 §2.4, RFC 3602 §3), 4 bytes for stream-like modes and AEADs (block size 1).
    /// </summary>
    internal static int Alignment(int blockSize) => Math.Max(blockSize, MinimumAlignment);

    /// <summary>
    /// The padding a payload of <paramref name="payloadLength"/> bytes needs so payload, padding, pad length and next
    /// header fill whole units of <paramref name="alignment"/> bytes (a power of two, see <see cref="Alignment"/>).
    /// </summary>
    internal static int PaddingLength(int payloadLength, int alignment) => -(payloadLength + FixedLength) & (alignment - 1);

    /// <summary>
    /// Writes the padding <paramref name="padding"/> asks for, the pad length and <paramref name="nextHeader"/> over all
    /// of <paramref name="trailer"/>. Allocation-free: random padding is filled straight from the CSPRNG.
    /// </summary>
    internal static void Write(Span<byte> trailer, IpProtocol nextHeader, EspPadding padding)
    {
        int paddingLength = trailer.Length - FixedLength;
        Span<byte> pad = trailer[..paddingLength];
        switch (padding)
        {
            case EspPadding.Zero:
                pad.Clear();
                break;
            case EspPadding.Random:
                RandomNumberGenerator.Fill(pad);
                break;
            default:
                for (int i = 0; i < pad.Length; i++)
                {
                    pad[i] = (byte)(i + 1);
                }

                break;
        }

        trailer[paddingLength] = (byte)paddingLength;
        trailer[paddingLength + 1] = (byte)nextHeader;
    }

    /// <summary>
    /// Reads the trailer at the end of decrypted <paramref name="plaintext"/>: <see cref="TransformStatus.Ok"/> with the
    /// number of trailer bytes (padding included) and the next header, or <see cref="TransformStatus.Malformed"/> when
    /// the pad length exceeds the plaintext or, for an SA with <see cref="EspPadding.Sequential"/> padding, a padding
    /// byte is not its position. RFC 4303 §2.4 lets the receiver check the default pattern only: a sender configured
    /// for zero or random padding writes other bytes, so for those SAs any padding is accepted. A wrong byte means a
    /// broken sender or keying, since the ICV already verified.
    /// </summary>
    internal static TransformStatus Read(ReadOnlySpan<byte> plaintext, EspPadding padding, out int trailerLength, out IpProtocol nextHeader)
    {
        trailerLength = 0;
        nextHeader = default;
        if (plaintext.Length < FixedLength)
        {
            return TransformStatus.Malformed;
        }

        int paddingLength = plaintext[^2];
        int length = paddingLength + FixedLength;
        if (length > plaintext.Length)
        {
            return TransformStatus.Malformed;
        }

        if (padding == EspPadding.Sequential)
        {
            ReadOnlySpan<byte> pad = plaintext.Slice(plaintext.Length - length, paddingLength);
            for (int i = 0; i < pad.Length; i++)
            {
                if (pad[i] != (byte)(i + 1))
                {
                    return TransformStatus.Malformed;
                }
            }
        }

        trailerLength = length;
        nextHeader = (IpProtocol)plaintext[^1];
        return TransformStatus.Ok;
    }
}
