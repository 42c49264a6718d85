using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using RestoreAgents.PageCache;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Bench;

/// <summary>
/// The kernel's share, alone: the disk's data written in 1 MiB pieces into a page cache over a local page store,
/// once straight through PageCache.WriteAsync and once through a file of the FUSE pseudo-disk. Same cache, same
/// store, no network: what is left is the cost of FUSE.
/// </summary>
internal static class PseudoDiskWrite
{
    public const string DirectName = "pseudo-disk level, direct";
    public const string FuseName = "pseudo-disk level, FUSE";
    private const int PieceSize = 1024 * 1024;

    /// <summary>Enough bytes per run that the timing is not noise: the disk's data is written again until then.</summary>
    private const long MinimumBytesPerRun = 2L * 1024 * 1024 * 1024;

    public static async Task<Measurement> RunAsync(BenchContext context, int run, bool throughFuse)
    {
        var name = throughFuse ? FuseName : DirectName;
        var folder = context.Work.Combine($"pseudo-{(throughFuse ? "fuse" : "direct")}-{run}");
        Directory.CreateDirectory(folder);
        int passes = (int)Math.Max(1, MinimumBytesPerRun / Math.Max(1, context.Disk.AllocatedBytes));
        await using var mount = throughFuse ? await PseudoDiskMount.MountAsync(Path.Combine(folder, "mount")) : null;
        var wall = TimeSpan.Zero;
        for (int pass = 0; pass < passes; pass++)
        {
            // A fresh store and cache each pass: pages already in a store would be read back before rewriting.
            var storePath = Path.Combine(folder, $"store-{pass}.raw");
            wall += await WritePassAsync(context, storePath, Path.Combine(folder, "cache"), mount, pass);
            if (pass == 0) CheckStore(storePath, context.Disk, name);
            File.Delete(storePath);
        }
        if (mount is not null) await mount.DisposeAsync();
        Directory.Delete(folder, recursive: true);
        // Reported per disk's worth of data, so it reads like the other contenders.
        return new Measurement(name, wall / passes, PeakRssBytes: null, PeakLocalBytes: 0);
    }

    private static async Task<TimeSpan> WritePassAsync(BenchContext context, string storePath, string cacheFolder,
        PseudoDiskMount? mount, int pass)
    {
        var storeSize = UploadCeiling.RoundUp(context.Disk.Size);
        using var store = new FilePageStore(storePath, storeSize);
        await using var cache = new PageCache.PageCache(new PageCacheOptions
        {
            PageSize = context.Settings.PageSize,
            CapacityBytes = context.Settings.CacheSize,
            Directory = cacheFolder,
            UploadParallelism = context.Settings.UploadParallelism,
        }, storeSize, store, $"bench-{pass}");
        if (mount is null)
        {
            var clock = Stopwatch.StartNew();
            await CopyDataAsync(context.Disk, (offset, data) => cache.WriteAsync(offset, data));
            await cache.FlushAsync();
            return clock.Elapsed;
        }
        var path = mount.AddDisk("bench", $"disk-{pass}.raw", cache);
        try
        {
            var clock = Stopwatch.StartNew();
            using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
            {
                await CopyDataAsync(context.Disk, (offset, data) => RandomAccess.WriteAsync(file, data, offset));
                RandomAccess.FlushToDisk(file);
            }
            await cache.FlushAsync();
            return clock.Elapsed;
        }
        finally
        {
            mount.RemoveDisk("bench", $"disk-{pass}.raw");
        }
    }

    /// <summary>Reads the disk's allocated extents from the image and hands them on in pieces of 1 MiB.</summary>
    private static async Task CopyDataAsync(BenchDisk disk, Func<long, ReadOnlyMemory<byte>, ValueTask> write)
    {
        using var image = File.OpenHandle(disk.ImagePath);
        var buffer = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            foreach (var extent in disk.Copy.AllocatedExtents)
            {
                for (long offset = extent.Offset; offset < extent.End; offset += PieceSize)
                {
                    int length = (int)Math.Min(PieceSize, extent.End - offset);
                    var piece = buffer.AsMemory(0, length);
                    await RandomAccess.ReadAsync(image, piece, offset);
                    await write(offset, piece);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CheckStore(string storePath, BenchDisk disk, string name)
    {
        using var store = File.OpenRead(storePath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[8 * 1024 * 1024];
        long left = disk.Size;
        while (left > 0)
        {
            int read = store.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (left != 0 || actual != disk.Sha256)
            throw new InvalidOperationException($"{name}: the page store does not hold the disk (SHA-256 {actual})");
    }
}
