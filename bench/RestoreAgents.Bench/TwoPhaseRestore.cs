using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Bench;

/// <summary>
/// The old way, for contrast: the whole disk restored from the media agent into a local file first, then
/// uploaded. It needs local disk for every allocated byte, and the upload cannot start before the stream ends.
/// </summary>
internal static class TwoPhaseRestore
{
    public const string Name = "two-phase (local file, then upload)";

    public static async Task<Measurement> RunAsync(BenchContext context, int run)
    {
        var folder = context.Work.Combine($"two-phase-{run}");
        Directory.CreateDirectory(folder);
        var localFile = Path.Combine(folder, "disk.raw");
        var blobName = $"two-phase-{run}.raw";

        var clock = Stopwatch.StartNew();
        await StreamToFileAsync(context, localFile);
        var streamed = clock.Elapsed;
        long localBytes = FolderPeak.AllocatedBytes(folder);
        var blob = await PageBlobStoreFactory.CreateAsync(context.Destination(blobName),
            UploadCeiling.RoundUp(context.Disk.Size), overwrite: true, new PageBlobStoreOptions());
        await PageUploader.UploadAsync(localFile, context.Disk.DataPages, context.Settings.PageSize, blob,
            context.Settings.UploadParallelism, CancellationToken.None);
        var wall = clock.Elapsed;

        Directory.Delete(folder, recursive: true);
        await context.CheckAsync(blobName, Name);
        return new Measurement(Name, wall, PeakRssBytes: null, localBytes,
            new Dictionary<string, TimeSpan> { ["stream to local file"] = streamed, ["upload"] = wall - streamed });
    }

    private static async Task StreamToFileAsync(BenchContext context, string localFile)
    {
        using var file = File.OpenHandle(localFile, FileMode.CreateNew, FileAccess.Write);
        RandomAccess.SetLength(file, context.Disk.Size); // sparse: holes take no disk
        using var channel = GrpcChannel.ForAddress(context.MediaAgent.Url);
        var client = new MediaAgent.MediaAgentClient(channel);
        using var stream = client.StreamBlocks(new StreamBlocksRequest { CopyName = context.Disk.Copy.Name });
        await foreach (var block in stream.ResponseStream.ReadAllAsync())
            await RandomAccess.WriteAsync(file, block.Data.Memory, (long)block.Offset);
        RandomAccess.FlushToDisk(file);
    }
}
