using System.Buffers;
using System.Security.Cryptography;
using RestoreAgents.Caching;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Verification;

/// <summary>
/// Proves, page by page as the cache uploads them, that every stored block of the copy goes up with the bytes the
/// media agent hashed: each block's SHA-256 (sent on the block's first piece) is checked over the Put Page bodies
/// that carry it, and every byte outside the copy's blocks must be zero. A block inside one page is hashed
/// straight from that page's buffer; a block spread over pages is put together from them first. A page flushed
/// early is checked again when it comes back complete. Thread-safe: the cache's uploaders call it at once.
/// </summary>
internal sealed class BlockProof : IPageCheck, IDisposable
{
    private readonly string _copyName;
    private readonly string _blobName;
    private readonly long _blockSize;
    private readonly long _diskSize;
    private readonly int _pageSize;
    private readonly RangeSet _storedBlocks = new(); // by block number; only read after the constructor
    private readonly long _storedBlockCount;
    private readonly Lock _gate = new();
    // Blocks whose hash arrived and that may still be seen in a page; dropped once every page over them went up
    // complete, so memory follows the cache, not the disk.
    private readonly Dictionary<long, ProvingBlock> _open = [];
    private readonly RangeSet _proved = new();
    private readonly RangeSet _closed = new();

    public BlockProof(CopyDescription copy, int pageSize, string blobName)
    {
        _copyName = copy.Name;
        _blobName = blobName;
        _blockSize = copy.BlockSize;
        _diskSize = (long)copy.DiskSize;
        _pageSize = pageSize;
        foreach (var extent in copy.Allocated)
        {
            // Extents are whole stored blocks merged; the disk's last block may be short.
            long first = (long)extent.Offset / _blockSize;
            long end = ((long)(extent.Offset + extent.Length) + _blockSize - 1) / _blockSize;
            _storedBlocks.Add(first, end);
        }
        _storedBlockCount = _storedBlocks.OverlapLength(0, long.MaxValue);
    }

    /// <summary>Stored blocks proved so far.</summary>
    public long ProvedBlocks
    {
        get { lock (_gate) return _proved.OverlapLength(0, long.MaxValue); }
    }

    /// <summary>Takes the SHA-256 a piece brought for the block it is part of.</summary>
    /// <exception cref="RestoreProofException">Not 32 bytes, not a stored block, or another hash than before.</exception>
    public void AddHash(long offset, ReadOnlySpan<byte> sha256)
    {
        long index = offset / _blockSize;
        if (sha256.Length != SHA256.HashSizeInBytes)
            throw new RestoreProofException($"the media agent sent a SHA-256 of {sha256.Length} bytes for the block "
                + $"at offset {index * _blockSize} of copy '{_copyName}'");
        lock (_gate)
        {
            if (!_storedBlocks.Contains(index))
                throw new RestoreProofException($"the media agent sent a SHA-256 for offset {offset} of copy "
                    + $"'{_copyName}', where the copy holds no block");
            if (_open.TryGetValue(index, out var known) || _closed.Contains(index))
            {
                // A re-opened stream starting inside a block sends its hash again.
                if (known is not null && !sha256.SequenceEqual(known.Sha256))
                    throw new RestoreProofException($"the media agent sent another SHA-256 for the block at offset "
                        + $"{index * _blockSize} of copy '{_copyName}' than before");
                return;
            }
            _open.Add(index, new ProvingBlock(sha256.ToArray(), BlockLength(index), PagesOver(index)));
        }
    }

    public void Check(long pageOffset, ReadOnlySpan<byte> page, ReadOnlySpan<LongRange> known)
    {
        long pageEnd = pageOffset + page.Length;
        bool pageComplete = Covers(known, 0, page.Length);
        for (long index = pageOffset / _blockSize; index * _blockSize < Math.Min(pageEnd, _diskSize); index++)
        {
            long blockStart = index * _blockSize;
            long start = Math.Max(pageOffset, blockStart);
            long end = Math.Min(pageEnd, blockStart + BlockLength(index));
            var segment = page[(int)(start - pageOffset)..(int)(end - pageOffset)];
            if (!_storedBlocks.Contains(index))
            {
                RequireZeros(segment, pageOffset, start);
                continue;
            }
            // Bytes of the block still to come read as zeros now: checked when the page comes back complete.
            if (!Covers(known, start - pageOffset, end - pageOffset)) continue;
            ProveSegment(index, start - blockStart, segment, pageOffset, pageComplete);
        }
        // The padding past the disk, up to the VHD's whole MiB.
        if (pageEnd > _diskSize)
        {
            long start = Math.Max(pageOffset, _diskSize);
            RequireZeros(page[(int)(start - pageOffset)..], pageOffset, start);
        }
    }

    /// <summary>A hole of the copy (or the padding past the disk): the copy has zeros there, so must the page.</summary>
    private void RequireZeros(ReadOnlySpan<byte> segment, long pageOffset, long diskOffset)
    {
        if (segment.IndexOfAnyExcept((byte)0) is var at and >= 0)
            throw new RestoreProofException($"the page at offset {pageOffset} going to {_blobName} holds a non-zero "
                + $"byte at disk offset {diskOffset + at}, where copy '{_copyName}' has only zeros");
    }

    /// <summary>After the last page went up: every stored block must have been proved.</summary>
    /// <exception cref="RestoreProofException">Naming the first block never proved.</exception>
    public void Complete()
    {
        lock (_gate)
        {
            if (_proved.OverlapLength(0, long.MaxValue) == _storedBlockCount) return;
            for (int i = 0; i < _storedBlocks.Count; i++)
            {
                var blocks = _storedBlocks[i];
                for (long index = blocks.Start; index < blocks.End; index++)
                {
                    if (_proved.Contains(index)) continue;
                    throw new RestoreProofException($"the block at offset {index * _blockSize} of copy '{_copyName}' "
                        + (_open.ContainsKey(index) || _closed.Contains(index)
                            ? $"never went up complete to {_blobName}"
                            : "never came with its SHA-256 from the media agent"));
                }
            }
        }
    }

    private void ProveSegment(long index, long offsetInBlock, ReadOnlySpan<byte> segment, long pageOffset,
        bool pageComplete)
    {
        ProvingBlock block;
        lock (_gate)
        {
            if (!_open.TryGetValue(index, out block!))
                throw new RestoreProofException($"the page at offset {pageOffset} of {_blobName} holds the block at "
                    + $"offset {index * _blockSize} of copy '{_copyName}' "
                    + (_closed.Contains(index) ? "after every page over it had gone up complete"
                        : "before the media agent sent its SHA-256"));
        }

        if (segment.Length == block.Length)
        {
            // The whole block in this page: hashed from the Put Page body itself, no copy.
            Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(segment, actual);
            if (!actual.SequenceEqual(block.Sha256)) throw Mismatch(index, pageOffset);
            lock (_gate) Proved(index, block, pageOffset, pageComplete);
            return;
        }

        lock (_gate)
        {
            // Spread over pages: put together from each page's part (a page seen again must bring the same bytes).
            block.Assembly ??= ArrayPool<byte>.Shared.Rent(block.Length);
            var target = block.Assembly.AsSpan((int)offsetInBlock, segment.Length);
            if (block.Assembled.Covers(offsetInBlock, offsetInBlock + segment.Length))
            {
                if (!segment.SequenceEqual(target)) throw Mismatch(index, pageOffset);
            }
            else
            {
                segment.CopyTo(target);
                block.Assembled.Add(offsetInBlock, offsetInBlock + segment.Length);
            }
            if (!_proved.Contains(index) && block.Assembled.Covers(0, block.Length))
            {
                Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(block.Assembly.AsSpan(0, block.Length), actual);
                if (!actual.SequenceEqual(block.Sha256)) throw Mismatch(index, pageOffset);
            }
            if (block.Assembled.Covers(0, block.Length)) Proved(index, block, pageOffset, pageComplete);
            else if (pageComplete) block.CompletePages.Add(pageOffset / _pageSize, pageOffset / _pageSize + 1);
        }
    }

    /// <summary>Marks a block proved, and forgets it once every page over it went up complete.</summary>
    private void Proved(long index, ProvingBlock block, long pageOffset, bool pageComplete)
    {
        _proved.Add(index, index + 1);
        if (pageComplete) block.CompletePages.Add(pageOffset / _pageSize, pageOffset / _pageSize + 1);
        if (block.CompletePages.OverlapLength(0, long.MaxValue) < block.Pages) return;
        _open.Remove(index);
        _closed.Add(index, index + 1);
        block.Release();
    }

    private RestoreProofException Mismatch(long index, long pageOffset) => new(
        $"the block at offset {index * _blockSize} of copy '{_copyName}' does not match its SHA-256 in the page at "
        + $"offset {pageOffset} going to {_blobName}: its bytes changed after they arrived (in the cache?)");

    private int BlockLength(long index) => (int)Math.Min(_blockSize, _diskSize - index * _blockSize);

    private int PagesOver(long index)
    {
        long start = index * _blockSize, end = start + BlockLength(index);
        return (int)((end + _pageSize - 1) / _pageSize - start / _pageSize);
    }

    private static bool Covers(ReadOnlySpan<LongRange> ranges, long start, long end)
    {
        // Sorted and merged: the one range that starts at or before start must reach end.
        foreach (var range in ranges)
        {
            if (range.Start > start) return false;
            if (range.End >= end) return true;
        }
        return false;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var block in _open.Values) block.Release();
            _open.Clear();
        }
    }

    private sealed class ProvingBlock(byte[] sha256, int length, int pages)
    {
        public byte[] Sha256 { get; } = sha256;
        public int Length { get; } = length;
        /// <summary>Pages the block lies in; it is forgotten when each went up complete.</summary>
        public int Pages { get; } = pages;
        public RangeSet CompletePages { get; } = new();
        public byte[]? Assembly { get; set; }
        public RangeSet Assembled { get; } = new();

        public void Release()
        {
            if (Assembly is not null) ArrayPool<byte>.Shared.Return(Assembly);
            Assembly = null;
        }
    }
}
