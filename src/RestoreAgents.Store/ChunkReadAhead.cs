using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using ZstdSharp;

namespace RestoreAgents.Store;

/// <summary>
/// Reads, decompresses and checks a copy's chunks ahead of the reader: up to <c>depth</c> chunks at once on the
/// thread pool, handed out in the order they were asked for. Each chunk lands in a pooled buffer that goes back to
/// the pool when the reader takes the next one (or when this is disposed).
/// </summary>
internal sealed class ChunkReadAhead : IAsyncDisposable
{
    private readonly SecondaryCopyStore _store;
    private readonly CopyManifest _copy;
    private readonly int _depth;
    private readonly CancellationToken _cancellationToken;
    private readonly Queue<Task<ReadChunk>> _pending = new();
    private readonly ConcurrentBag<Decompressor> _decompressors = [];
    private ReadChunk? _current;

    public ChunkReadAhead(SecondaryCopyStore store, CopyManifest copy, int depth, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _store = store;
        _copy = copy;
        _depth = depth;
        _cancellationToken = cancellationToken;
    }

    /// <summary>True while fewer than the read-ahead depth of chunks are on the way.</summary>
    public bool WantsMore => _pending.Count < _depth;

    /// <summary>Starts reading a block's chunk; chunks come out of <see cref="NextAsync"/> in this order.</summary>
    public void Start(StoredBlock block)
    {
        // Decompressing and hashing are CPU work: on the pool, so several chunks use several cores.
        _pending.Enqueue(Task.Run(() => ReadAsync(block), _cancellationToken));
    }

    /// <summary>The oldest chunk started, read and checked; the one handed out before goes back to the pool.</summary>
    /// <exception cref="CorruptChunkException">The chunk is missing, does not decompress or fails its SHA-256.</exception>
    public async ValueTask<ReadChunk> NextAsync()
    {
        ReleaseCurrent();
        var chunk = await _pending.Dequeue().ConfigureAwait(false);
        _current = chunk;
        return chunk;
    }

    private async Task<ReadChunk> ReadAsync(StoredBlock block)
    {
        var offset = block.Index * _copy.BlockSize;
        var length = (int)_copy.BlockLength(block.Index);
        var digest = new byte[SHA256.HashSizeInBytes];
        // The manifest's hex, parsed once: digests are compared as bytes.
        if (Convert.FromHexString(block.Sha256, digest, out _, out var written) != OperationStatus.Done
            || written != digest.Length)
            throw new CorruptChunkException(_copy.Name, offset, block.Sha256, "is not named by a SHA-256");

        var data = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await ReadIntoAsync(block, offset, data.AsMemory(0, length)).ConfigureAwait(false);
            Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(data.AsSpan(0, length), actual);
            if (!actual.SequenceEqual(digest))
                throw new CorruptChunkException(_copy.Name, offset, block.Sha256, "fails its SHA-256 check");
            return new ReadChunk(offset, data, length, digest);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }
    }

    private async Task ReadIntoAsync(StoredBlock block, long offset, Memory<byte> data)
    {
        byte[] compressed;
        int compressedLength;
        try
        {
            // Opened for plain reads, in order: the read-ahead runs on the thread pool already, and a pipe cannot seek.
            using var stream = new FileStream(_store.ChunkPath(block.Sha256), FileMode.Open, FileAccess.Read,
                FileShare.Read, bufferSize: 0);
            var bound = (long)data.Length * 2 + 4096;
            var size = stream.CanSeek ? stream.Length : 0;
            // A chunk far larger than its block is not a zstd frame of it: refuse before renting for it.
            if (size > bound)
                throw new CorruptChunkException(_copy.Name, offset, block.Sha256,
                    $"holds {size} bytes, far more than a compressed block of {data.Length}");
            // A file that reports no length (a pipe, a special file) is read to its end, up to the bound.
            compressedLength = (int)(size > 0 ? size : bound + 1);
            compressed = ArrayPool<byte>.Shared.Rent(compressedLength);
            try
            {
                var read = 0;
                while (read < compressedLength)
                {
                    var n = await stream.ReadAsync(compressed.AsMemory(read, compressedLength - read), _cancellationToken)
                        .ConfigureAwait(false);
                    if (n == 0) break;
                    read += n;
                }
                if (read > bound)
                    throw new CorruptChunkException(_copy.Name, offset, block.Sha256,
                        $"holds more than {bound} bytes, far more than a compressed block of {data.Length}");
                compressedLength = read;
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(compressed);
                throw;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CorruptChunkException(_copy.Name, offset, block.Sha256, "is missing");
        }

        try
        {
            var decompressor = _decompressors.TryTake(out var pooled) ? pooled : new Decompressor();
            int length;
            try
            {
                length = decompressor.Unwrap(compressed.AsSpan(0, compressedLength), data.Span);
            }
            catch (Exception e) when (e is ZstdException or ArgumentException)
            {
                throw new CorruptChunkException(_copy.Name, offset, block.Sha256, $"does not decompress ({e.Message})");
            }
            finally
            {
                _decompressors.Add(decompressor);
            }
            if (length != data.Length)
                throw new CorruptChunkException(_copy.Name, offset, block.Sha256,
                    $"holds {length} bytes where the block has {data.Length}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private void ReleaseCurrent()
    {
        if (_current is { } chunk) ArrayPool<byte>.Shared.Return(chunk.Buffer);
        _current = null;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseCurrent();
        // Every chunk still on the way is awaited, so no buffer goes back while a read fills it.
        while (_pending.TryDequeue(out var read))
        {
            try
            {
                ArrayPool<byte>.Shared.Return((await read.ConfigureAwait(false)).Buffer);
            }
            catch (Exception)
            {
                // a read the reader never took: its failure (or cancellation) is nobody's news now
            }
        }
        while (_decompressors.TryTake(out var decompressor)) decompressor.Dispose();
    }
}

/// <summary>One chunk read and checked: the block's bytes in a pooled buffer, and its SHA-256.</summary>
internal sealed record ReadChunk(long Offset, byte[] Buffer, int Length, byte[] Sha256)
{
    public ReadOnlyMemory<byte> Data => Buffer.AsMemory(0, Length);
}
