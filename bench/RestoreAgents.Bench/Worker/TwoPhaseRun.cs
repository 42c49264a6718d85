using RestoreAgents.Bench.Contenders;
using RestoreAgents.Bench.Harness;
using RestoreAgents.Cloud;
using RestoreAgents.Vhd;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The old way: restore the whole disk to a local file first, then upload that file's pages into a page blob
/// (as the ceiling does) and append the VHD footer. Each phase is timed; the local file is the proxy's disk use.
/// </summary>
internal static class TwoPhaseRun
{
    public const string StreamPhase = "phase 1: media agent → local file";
    public const string UploadPhase = "phase 2: local file → page blob";

    public static async Task<Measurement> RunAsync(WorkerRequest request, CancellationToken cancellationToken)
    {
        var localDisk = Path.Combine(request.Folder, "restored.raw");
        var window = new MeasuredWindow();
        await CopyToLocalFile.RunAsync(new Uri(request.MediaAgentUrl), request.MediaAgentCredentials, request.CopyName,
            localDisk, cancellationToken);
        var streamed = window.Elapsed;

        var blob = await request.BlobContainer().CreatePageBlobAsync(request.BlobName,
            request.DataSize + VhdFooter.Size, overwrite: false, cancellationToken);
        var pages = await NonZeroPageUploader.UploadAsync(localDisk, blob, request.DataSize, request.PageSize,
            request.UploadParallelism, cancellationToken);
        var footer = FixedVhdFooter.Create(request.DataSize, Guid.NewGuid(), DateTimeOffset.UtcNow);
        await blob.WritePagesAsync(request.DataSize, footer, cancellationToken);
        window.Close();

        // The sparse file holds only what was written; that is what it took of the proxy's disk.
        var localBytes = await SourceDisk.AllocatedFileBytesAsync(localDisk, cancellationToken);
        File.Delete(localDisk);
        return window.ToMeasurement(request, localBytes, pages,
            [new PhaseTime(StreamPhase, streamed), new PhaseTime(UploadPhase, window.Wall - streamed)]);
    }
}
