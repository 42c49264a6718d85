using System.Buffers;
using System.Runtime.CompilerServices;

namespace RestoreAgents.DiskImages;

/// <summary>
/// A virtual disk read from an image file of any format (open one with <see cref="DiskImageReader.OpenAsync"/>):
/// its size, the extents its allocation map says hold data, and the bytes of any range. Unallocated ranges read as
/// zeros, or from the parent or backing image, without touching the file. One reader at a time.
/// </summary>
public abstract class DiskImage : IDisposable
{
    private readonly IReadOnlyList<DiskImage> _components;
    private byte[]? _unit;
    private long _unitStart = -1;
    private bool _disposed;

    private protected DiskImage(ImageFile file, long size, IReadOnlyList<DiskImage>? components = null)
    {
        File = file;
        Size = size;
        _components = components ?? [];
    }

    /// <summary>The image file that was opened (for a chain, the top one).</summary>
    public string Path => File.Path;

    /// <summary>The virtual disk's size in bytes.</summary>
    public long Size { get; }

    /// <summary>What was read: "raw", "vhd-fixed", "vhd-dynamic", "vhd-differencing", "vhdx", "vmdk-stream-optimized"...</summary>
    public abstract string Format { get; }

    /// <summary>Bytes read so far from this image's files and every file it reads through to: tables and data.</summary>
    public long BytesRead => File.BytesRead + _components.Sum(component => component.BytesRead);

    internal ImageFile File { get; }

    /// <summary>Maps the virtual range starting at <paramref name="offset"/>: returns the first run, at most
    /// <paramref name="length"/> bytes (and more than none) of one kind.</summary>
    private protected abstract ValueTask<DiskRun> MapAsync(long offset, long length, CancellationToken cancellationToken);

    /// <summary>Which unit (block, cluster, grain) of <paramref name="unitSize"/> bytes the offset is in, how far into
    /// it, and how much of <paramref name="length"/> stays in it.</summary>
    private protected static (long Unit, long Within, long Length) InUnit(long offset, long length, long unitSize)
    {
        var within = offset % unitSize;
        return (offset / unitSize, within, Math.Min(length, unitSize - within));
    }

    /// <summary>Fills <paramref name="unit"/> with the whole unit a compressed run belongs to.</summary>
    private protected virtual ValueTask DecompressAsync(DiskRun run, Memory<byte> unit, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Format} images have no compressed units");

    /// <summary>Fills <paramref name="buffer"/> with the disk's bytes at <paramref name="offset"/>.</summary>
    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(offset, buffer.Length);
        // Data runs that follow each other in the file too are read with one call.
        long pendingFileOffset = 0;
        int pendingStart = 0, pendingLength = 0;
        for (var done = 0; done < buffer.Length;)
        {
            var run = await MapAsync(offset + done, buffer.Length - done, cancellationToken).ConfigureAwait(false);
            var length = (int)run.Length;
            if (run.Kind == DiskRunKind.Data && pendingLength > 0 && pendingFileOffset + pendingLength == run.FileOffset)
            {
                pendingLength += length;
                done += length;
                continue;
            }
            if (pendingLength > 0)
                await ReadDataAsync(offset + pendingStart, pendingFileOffset, buffer.Slice(pendingStart, pendingLength),
                    cancellationToken).ConfigureAwait(false);
            pendingLength = 0;
            var part = buffer.Slice(done, length);
            switch (run.Kind)
            {
                case DiskRunKind.Data:
                    (pendingFileOffset, pendingStart, pendingLength) = (run.FileOffset, done, length);
                    break;
                case DiskRunKind.Zero:
                    part.Span.Clear();
                    break;
                case DiskRunKind.Compressed:
                    await ReadCompressedAsync(run, offset + done, part, cancellationToken).ConfigureAwait(false);
                    break;
                case DiskRunKind.ReadThrough:
                    var inside = (int)Math.Clamp(run.Target!.Size - run.TargetOffset, 0, length);
                    if (inside > 0)
                        await run.Target.ReadAsync(run.TargetOffset, part[..inside], cancellationToken).ConfigureAwait(false);
                    part.Span[inside..].Clear();
                    break;
            }
            done += length;
        }
        if (pendingLength > 0)
            await ReadDataAsync(offset + pendingStart, pendingFileOffset, buffer.Slice(pendingStart, pendingLength),
                cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The extents of [<paramref name="offset"/>, +<paramref name="length"/>) that the allocation map (this image's
    /// or, where it reads through, its parent's) says hold data, ascending and merged. Ranges left out read as
    /// zeros; only tables are read to find them.
    /// </summary>
    public async IAsyncEnumerable<ImageExtent> GetAllocatedExtentsAsync(long offset, long length,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(offset, length);
        var merged = new ExtentMerger();
        for (long at = offset, end = offset + length; at < end;)
        {
            var run = await MapAsync(at, end - at, cancellationToken).ConfigureAwait(false);
            if (run.Kind is DiskRunKind.Data or DiskRunKind.Compressed)
            {
                if (merged.Add(at, run.Length) is { } finished) yield return finished;
            }
            else if (run.Kind == DiskRunKind.ReadThrough)
            {
                var inside = Math.Clamp(run.Target!.Size - run.TargetOffset, 0, run.Length);
                if (inside > 0)
                    await foreach (var extent in run.Target.GetAllocatedExtentsAsync(run.TargetOffset, inside,
                                       cancellationToken).ConfigureAwait(false))
                        if (merged.Add(extent.Offset - run.TargetOffset + at, extent.Length) is { } finished)
                            yield return finished;
            }
            at += run.Length;
        }
        if (merged.Pending is { } last) yield return last;
    }

    private async ValueTask ReadDataAsync(long diskOffset, long fileOffset, Memory<byte> buffer,
        CancellationToken cancellationToken) =>
        await File.ReadAsync(fileOffset, buffer, $"the data of disk offset {diskOffset}", cancellationToken)
            .ConfigureAwait(false);

    private async ValueTask ReadCompressedAsync(DiskRun run, long offset, Memory<byte> part,
        CancellationToken cancellationToken)
    {
        if (_unitStart != run.UnitStart || _unit is null || _unit.Length < run.UnitLength)
        {
            if (_unit is null || _unit.Length < run.UnitLength)
            {
                if (_unit is not null) ArrayPool<byte>.Shared.Return(_unit);
                _unit = ArrayPool<byte>.Shared.Rent(run.UnitLength);
            }
            _unitStart = -1;
            await DecompressAsync(run, _unit.AsMemory(0, run.UnitLength), cancellationToken).ConfigureAwait(false);
            _unitStart = run.UnitStart;
        }
        _unit.AsSpan((int)(offset - run.UnitStart), part.Length).CopyTo(part.Span);
    }

    private void CheckRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > Size - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"range of {length} bytes at {offset} is beyond the disk's {Size} bytes");
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        foreach (var component in _components) component.Dispose();
        File.Dispose();
        if (_unit is not null) ArrayPool<byte>.Shared.Return(_unit);
        _unit = null;
    }

    /// <summary>Joins extents that touch; hands back the previous one when a gap starts a new one.</summary>
    private struct ExtentMerger
    {
        private long _start;
        private long _end;

        public readonly ImageExtent? Pending => _end > _start ? new ImageExtent(_start, _end - _start) : null;

        public ImageExtent? Add(long start, long length)
        {
            if (_end > _start && _end == start)
            {
                _end += length;
                return null;
            }
            var finished = Pending;
            (_start, _end) = (start, start + length);
            return finished;
        }
    }
}
