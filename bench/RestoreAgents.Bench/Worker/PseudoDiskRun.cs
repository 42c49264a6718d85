using Microsoft.Win32.SafeHandles;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.PageCache;
using RestoreAgents.PseudoDisk;
using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The pseudo-disk on its own: the disk's data, in sequential 1 MiB writes, into a page cache over a local
/// FilePageStore, either with PageCache.WriteAsync or with pwrite into the cache's file on a PseudoDiskMount (the
/// kernel and FUSE in between). Same cache, same store, same writes: the difference is the kernel's cost.
/// </summary>
internal static class PseudoDiskRun
{
    private const int WriteSize = 1024 * 1024;

    public static async Task<Measurement> RunAsync(WorkerRequest request, bool throughFuse,
        CancellationToken cancellationToken)
    {
        using var store = new FilePageStore(request.PageStorePath, request.DataSize);
        var cacheFolder = Path.Combine(request.Folder, "cache");
        await using var cache = new PageCache.PageCache(new PageCacheOptions
        {
            PageSize = request.PageSize,
            CapacityBytes = request.CacheBytes,
            Directory = cacheFolder,
            UploadParallelism = request.UploadParallelism,
        }, request.DataSize, store, "bench");
        // As the data agent does: the holes are known zeros, so a page of data and holes goes up once its data is in.
        foreach (var hole in DiskHoles.Between(request.DataExtents, request.DataSize))
            cache.DeclareZero(hole.Offset, hole.Length);

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
            foreach (var (offset, data) in Pieces(image, request.DataExtents, buffer))
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
            foreach (var (offset, data) in Pieces(image, request.DataExtents, buffer))
                await cache.WriteAsync(offset, data, cancellationToken);
            await cache.FlushAsync(cancellationToken);
            window.Close();
        }
        return window.ToMeasurement(request, watcher.PeakBytes, cache.Statistics.PagesUploaded);
    }

    /// <summary>The data extents in writes of at most 1 MiB, each read from the image into the one buffer.</summary>
    private static IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Pieces(SafeFileHandle image,
        IReadOnlyList<ByteRange> extents, byte[] buffer)
    {
        foreach (var extent in extents)
        {
            for (long offset = extent.Offset; offset < extent.End; offset += WriteSize)
            {
                var length = (int)Math.Min(WriteSize, extent.End - offset);
                var read = RandomAccess.Read(image, buffer.AsSpan(0, length), offset);
                if (read != length)
                    throw new InvalidDataException($"the image ended at offset {offset + read}, inside a data extent");
                yield return (offset, buffer.AsMemory(0, length));
            }
        }
    }
}
