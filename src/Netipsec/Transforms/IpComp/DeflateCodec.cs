using System.IO.Compression;

namespace Netipsec.Transforms.IpComp;

/// <summary>
/// Raw DEFLATE (RFC 1951) as IPComp uses it (RFC 2394): every packet compressed on its own, with a fresh history and
/// no preset dictionary, so packets may be lost or reordered.
/// </summary>
/// <remarks>
/// Thread-safe: the scratch streams are per thread. .NET 10 offers DEFLATE only as a stream, and a DeflateStream
/// cannot be reset for the next packet, so each call creates one (a managed object and zlib's native state); the
/// scratch arrays are reused.
/// </remarks>
internal static class DeflateCodec
{
    /// <summary>The largest payload an IP packet carries (IPv6 payload length, 16 bits).</summary>
    internal const int MaxPayload = ushort.MaxValue;

    // zlib's default level: the usual trade of speed for ratio, and what Linux's deflate uses for IPComp.
    private static readonly ZLibCompressionOptions CompressionOptions = new() { CompressionLevel = 6 };

    [ThreadStatic]
    private static ScratchStream? t_input;

    [ThreadStatic]
    private static ScratchStream? t_output;

    /// <summary>
    /// Compresses <paramref name="payload"/> into <paramref name="destination"/>; false when the result would not fit in
    /// <paramref name="destination"/> (the payload does not compress enough).
    /// </summary>
    internal static bool TryCompress(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        written = 0;
        ScratchStream output = t_output ??= new ScratchStream(MaxPayload + 1);
        output.Reset(destination.Length);
        using (var deflate = new DeflateStream(output, CompressionOptions, leaveOpen: true))
        {
            deflate.Write(payload);
        }

        if (output.Overflowed)
        {
            return false;
        }

        written = output.Written;
        output.Buffer.AsSpan(0, written).CopyTo(destination);
        return true;
    }

    /// <summary>
    /// Decompresses <paramref name="compressed"/>, one complete raw DEFLATE stream, into a per-thread scratch buffer
    /// valid until the thread's next call. <see cref="InflateStatus.Corrupt"/> when the data is not valid DEFLATE, ends
    /// before its final block, or decompresses to nothing; <see cref="InflateStatus.TooLarge"/> when it would exceed
    /// <paramref name="limit"/> bytes (a "zip bomb" stops there: inflation ends one byte past the limit, into a buffer
    /// allocated once per thread).
    /// </summary>
    /// <remarks>
    /// DeflateStream hands back what it inflated from a truncated stream without an error (only a process-wide
    /// AppContext switch, System.IO.Compression.UseStrictValidation, makes it throw). A stream whose final block was
    /// decoded makes the inflater finish, and a finished DeflateStream never reads its source again; an unfinished one
    /// asks the source for more once the input runs out. So a read past the end of the input means truncation.
    /// </remarks>
    internal static InflateStatus TryDecompress(ReadOnlySpan<byte> compressed, int limit, out ReadOnlySpan<byte> decompressed)
    {
        decompressed = default;
        if (compressed.IsEmpty || compressed.Length > MaxPayload || limit <= 0)
        {
            return InflateStatus.Corrupt;
        }

        ScratchStream input = t_input ??= new ScratchStream(MaxPayload);
        ScratchStream output = t_output ??= new ScratchStream(MaxPayload + 1);
        compressed.CopyTo(input.Buffer);
        input.Reset(compressed.Length);
        // One byte of room beyond the limit tells "exactly the limit" from "more than the limit".
        Span<byte> destination = output.Buffer.AsSpan(0, Math.Min(limit, MaxPayload) + 1);
        int total = 0;
        try
        {
            using var inflate = new DeflateStream(input, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while (total < destination.Length && (read = inflate.Read(destination[total..])) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            // DeflateStream reports corrupt input only by throwing; the data path turns it into a status.
            return InflateStatus.Corrupt;
        }

        if (total == destination.Length)
        {
            return InflateStatus.TooLarge;
        }

        if (total == 0 || input.ReadPastEnd)
        {
            return InflateStatus.Corrupt;
        }

        decompressed = destination[..total];
        return InflateStatus.Ok;
    }

    /// <summary>What <see cref="TryDecompress"/> made of a payload.</summary>
    internal enum InflateStatus
    {
        /// <summary>One whole DEFLATE stream, decompressed.</summary>
        Ok,

        /// <summary>Not valid DEFLATE, truncated before its final block, or empty.</summary>
        Corrupt,

        /// <summary>It decompresses to more than the limit.</summary>
        TooLarge,
    }
}
