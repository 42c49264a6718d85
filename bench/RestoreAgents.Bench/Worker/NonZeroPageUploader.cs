using System.Buffers;
using Microsoft.Win32.SafeHandles;
using RestoreAgents.Caching;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// Uploads the pages of a local disk file that hold any data, with a fixed number of Put Page calls in flight:
/// the cloud side on its own, as fast as it goes (the ceiling, and the second phase of two-phase).
/// </summary>
internal static class NonZeroPageUploader
{
    /// <returns>The number of pages uploaded.</returns>
    public static async Task<long> UploadAsync(string path, IPageBlob store, long dataSize, int pageSize,
        int parallelism, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        long pageCount = (dataSize + pageSize - 1) / pageSize;
        long nextPage = -1;
        long uploaded = 0;

        // Each loop takes the next page number, so the calls in flight stay at `parallelism` until the end.
        async Task UploadLoopAsync()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(pageSize);
            try
            {
                for (long page; (page = Interlocked.Increment(ref nextPage)) < pageCount;)
                {
                    long offset = page * pageSize;
                    var data = buffer.AsMemory(0, (int)Math.Min(pageSize, dataSize - offset));
                    await ReadAsync(file, data, offset, cancellationToken);
                    if (!data.Span.ContainsAnyExcept((byte)0)) continue;
                    await store.WritePagesAsync(offset, data, cancellationToken);
                    Interlocked.Increment(ref uploaded);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => UploadLoopAsync()));
        return uploaded;
    }

    /// <summary>Fills the buffer from the file; past its end (a disk not a whole MiB) reads as zeros.</summary>
    private static async Task ReadAsync(SafeFileHandle file, Memory<byte> buffer, long offset,
        CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await RandomAccess.ReadAsync(file, buffer, offset, cancellationToken);
            if (read == 0)
            {
                buffer.Span.Clear();
                return;
            }
            offset += read;
            buffer = buffer[read..];
        }
    }
}
