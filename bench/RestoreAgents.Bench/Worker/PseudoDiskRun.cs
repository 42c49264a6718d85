using Microsoft.Win32.SafeHandles;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.Caching;
using RestoreAgents.PseudoDisk;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The pseudo-disk on its own: the whole raw disk, zeros included, in sequential 1 MiB writes as <c>dd bs=1M</c>
/// makes them, into a page cache over a local FilePageBlob, either with PageCache.WriteAsync or with pwrite into
/// the cache's file on a PseudoDiskMount (the kernel and FUSE in between). Same cache, same store, same writes:
/// the difference is the kernel's cost. (The whole disk, not only its data, so the window is long enough to time.)
/// </summary>
internal static class PseudoDiskRun
{
    private const int WriteSize = 1024 * 1024;

    public static async Task<Measurement> RunAsync(WorkerRequest request, bool throughFuse,
        CancellationToken cancellationToken)
    {
        using var store = new FilePageBlob(request.PageBlobPath, request.DataSize);
        var cacheFolder = Path.Combine(request.Folder, "cache");
        await using var cache = new PageCache(new PageCacheOptions
        {
            PageSize = request.PageSize,
            CapacityBytes = request.CacheBytes,
            Directory = cacheFolder,
            UploadParallelism = request.UploadParallelism,
        }, request.DataSize, store, "bench");

        using var image = File.OpenHandle(request.ImagePath);
        var buffer = new byte[WriteSize];
        await using var watcher = new CacheFolderWatcher(cacheFolder, TimeSpan.FromMilliseconds(10));
        MeasuredWindow window;
        if (throughFuse)
        {
            // Mounted before the window opens, as the data agent mounts at start.
            await using var mount = await PseudoDiskMount.MountAsync(Path.Combine(request.Folder, "mount"),
                cancellationToken: cancellationToken);
            var path = mount.AddDisk("bench", "disk.vhd", cache);
            using var disk = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            window = new MeasuredWindow();
            foreach (var (offset, data) in Pieces(image, request.DataSize, buffer))
                RandomAccess.Write(disk, data.Span, offset);
            // fsync makes the pseudo-disk upload the partly filled pages, as it does for any tool.
            RandomAccess.FlushToDisk(disk);
            await cache.FlushAsync(cancellationToken);
            window.Close();
            mount.RemoveDisk("bench", "disk.vhd");
        }
        else
        {
            window = new MeasuredWindow();
            foreach (var (offset, data) in Pieces(image, request.DataSize, buffer))
                await cache.WriteAsync(offset, data, cancellationToken);
            await cache.FlushAsync(cancellationToken);
            window.Close();
        }
        return window.ToMeasurement(request, watcher.PeakBytes, cache.Statistics.PagesUploaded);
    }

    /// <summary>The disk in writes of 1 MiB, each read from the image into the one buffer (zeros past its end).</summary>
    private static IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Pieces(SafeFileHandle image, long size,
        byte[] buffer)
    {
        for (long offset = 0; offset < size; offset += WriteSize)
        {
            var length = (int)Math.Min(WriteSize, size - offset);
            var read = RandomAccess.Read(image, buffer.AsSpan(0, length), offset);
            buffer.AsSpan(read, length - read).Clear();
            yield return (offset, buffer.AsMemory(0, length));
        }
    }
}
