using Netipsec.Packets;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// The ESP trailer inside the encrypted part (RFC 4303 §2.4–2.6): padding bytes 1, 2, 3, ..., the pad length and the
/// next header, aligned so the ciphertext ends on a 4-byte boundary.
/// </summary>
internal static class EspTrailer
{
    /// <summary>The pad length and next header bytes that follow the padding.</summary>
    internal const int FixedLength = 2;

    /// <summary>RFC 4303 §2.4: payload, padding, pad length and next header end on a 4-byte boundary.</summary>
    private const int Alignment = 4;

    /// <summary>The padding a payload of <paramref name="payloadLength"/> bytes needs: 0 to 3 bytes with AES-GCM, whose block size is 1.</summary>
    internal static int PaddingLength(int payloadLength) => -(payloadLength + FixedLength) & (Alignment - 1);

    /// <summary>Writes padding 1, 2, 3, ..., the pad length and <paramref name="nextHeader"/> over all of <paramref name="trailer"/>.</summary>
    internal static void Write(Span<byte> trailer, IpProtocol nextHeader)
    {
        int paddingLength = trailer.Length - FixedLength;
        for (int i = 0; i < paddingLength; i++)
        {
            trailer[i] = (byte)(i + 1);
        }

        trailer[paddingLength] = (byte)paddingLength;
        trailer[paddingLength + 1] = (byte)nextHeader;
    }

    /// <summary>
    /// Reads the trailer at the end of decrypted <paramref name="plaintext"/>: <see cref="TransformStatus.Ok"/> with the
    /// number of trailer bytes (padding included) and the next header, or <see cref="TransformStatus.Malformed"/> when
    /// the pad length exceeds the plaintext or a padding byte is not its position (RFC 4303 §2.4 lets the receiver
    /// check; a wrong one means a broken sender or keying, since the ICV already verified).
    /// </summary>
    internal static TransformStatus Read(ReadOnlySpan<byte> plaintext, out int trailerLength, out IpProtocol nextHeader)
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

        ReadOnlySpan<byte> padding = plaintext.Slice(plaintext.Length - length, paddingLength);
        for (int i = 0; i < padding.Length; i++)
        {
            if (padding[i] != (byte)(i + 1))
            {
                return TransformStatus.Malformed;
            }
        }

        trailerLength = length;
        nextHeader = (IpProtocol)plaintext[^1];
        return TransformStatus.Ok;
    }
}
