using System.Diagnostics;
using RestoreAgents.Cloud;

namespace RestoreAgents.Bench;

/// <summary>
/// The best the cloud side can do: the same data pages uploaded straight from the image on local disk, with the
/// same Put Page size, MD5 and parallelism as a restore. Every other contender is a ratio of this.
/// </summary>
internal static class UploadCeiling
{
    public const string Name = "upload ceiling (raw Azurite Put Page)";

    public static async Task<Measurement> RunAsync(BenchContext context, int run)
    {
        var blobName = $"ceiling-{run}.raw";
        var blob = await PageBlobStoreFactory.CreateAsync(context.Destination(blobName), RoundUp(context.Disk.Size),
            overwrite: true, new PageBlobStoreOptions());
        var clock = Stopwatch.StartNew();
        await PageUploader.UploadAsync(context.Disk.ImagePath, context.Disk.DataPages, context.Settings.PageSize, blob,
            context.Settings.UploadParallelism, CancellationToken.None);
        var wall = clock.Elapsed;
        await context.CheckAsync(blobName, Name);
        return new Measurement(Name, wall, PeakRssBytes: null, PeakLocalBytes: 0);
    }

    public static long RoundUp(long size) => (size + 511) / 512 * 512;
}
