using System.Buffers;
using System.IO.Compression;
using ZstdSharp;

namespace RestoreAgents.DiskImages;

internal enum CompressionKind { Deflate, Zlib, Zstd }

/// <summary>Decompresses one qcow2 cluster or VMDK grain; bytes after the end of the stream are ignored.</summary>
internal static class CompressedUnit
{
    /// <summary>Reads <paramref name="length"/> compressed bytes at <paramref name="offset"/> and fills
    /// <paramref name="unit"/>; a stream that is damaged or gives fewer than <paramref name="needed"/> bytes is an
    /// error at <paramref name="offset"/>. What the unit holds past <paramref name="needed"/> reads as zeros.</summary>
    public static async ValueTask ReadAsync(ImageFile file, long offset, int length, CompressionKind compression,
        Memory<byte> unit, int needed, string what, CancellationToken cancellationToken)
    {
        var compressed = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var data = compressed.AsMemory(0, length);
            await file.ReadAsync(offset, data, what, cancellationToken).ConfigureAwait(false);
            var done = Decompress(compression, data, unit.Span);
            if (done < needed)
                throw file.Corrupt(offset, done < 0
                    ? $"{what} here does not decompress: its {compression} stream is damaged"
                    : $"{what} here decompresses to {done} bytes, not the {needed} it holds");
            unit.Span[done..].Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>Fills <paramref name="unit"/> from <paramref name="compressed"/>; returns how many bytes the stream
    /// gave (fewer than the unit's length when it ends early), or -1 when it is not a valid stream.</summary>
    public static int Decompress(CompressionKind compression, ReadOnlyMemory<byte> compressed, Span<byte> unit)
    {
        using var input = new ReadOnlyMemoryStream(compressed);
        try
        {
            using Stream stream = compression switch
            {
                CompressionKind.Deflate => new DeflateStream(input, CompressionMode.Decompress),
                CompressionKind.Zlib => new ZLibStream(input, CompressionMode.Decompress),
                _ => new DecompressionStream(input),
            };
            var done = 0;
            while (done < unit.Length)
            {
                var read = stream.Read(unit[done..]);
                if (read == 0) break;
                done += read;
            }
            return done;
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException)
        {
            return -1;
        }
    }

    /// <summary>A read-only stream over pooled memory, so no copy is made to decompress it.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
