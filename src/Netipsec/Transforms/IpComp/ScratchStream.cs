namespace Netipsec.Transforms.IpComp;

/// <summary>
/// A stream over a reusable array, for <see cref="System.IO.Compression.DeflateStream"/> to read compressed bytes from
/// or write them to. Unlike a MemoryStream over a fixed array it never throws when a write goes past its limit: it
/// notes the overflow and drops the bytes, so an incompressible payload costs no exception.
/// </summary>
/// <remarks>Not thread-safe: each thread has its own (see <see cref="DeflateCodec"/>).</remarks>
internal sealed class ScratchStream : Stream
{
    private readonly byte[] _buffer;
    private int _position;
    private int _limit;

    internal ScratchStream(int capacity) => _buffer = new byte[capacity];

    /// <summary>The array the stream reads from and writes to.</summary>
    internal byte[] Buffer => _buffer;

    /// <summary>Bytes written so far (writing), or read so far (reading).</summary>
    internal int Written => _position;

    /// <summary>A write went past the limit; the bytes beyond it were dropped.</summary>
    internal bool Overflowed { get; private set; }

    /// <summary>A reader asked for bytes after all of them were read: it wanted more input than there is.</summary>
    internal bool ReadPastEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _limit;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts over: reads will return the first <paramref name="limit"/> bytes, writes may fill that many.</summary>
    internal void Reset(int limit)
    {
        _position = 0;
        _limit = Math.Min(limit, _buffer.Length);
        Overflowed = false;
        ReadPastEnd = false;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _limit - _position);
        ReadPastEnd |= count == 0 && !buffer.IsEmpty;
        _buffer.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Overflowed || buffer.Length > _limit - _position)
        {
            Overflowed = true;
            return;
        }

        buffer.CopyTo(_buffer.AsSpan(_position));
        _position += buffer.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
