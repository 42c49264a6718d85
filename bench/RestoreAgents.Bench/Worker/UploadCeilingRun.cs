using RestoreAgents.Bench.Contenders;
using RestoreAgents.Cloud;
using RestoreAgents.Vhd;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The upload ceiling: the disk's pages that hold data, read from the source image and put into a new page blob
/// with our own AzurePageBlob (4 MiB Put Page with a transactional MD5), as many in flight as the data agent
/// uses. No media agent, no cache: the best the cloud side does here.
/// </summary>
internal static class UploadCeilingRun
{
    public static async Task<Measurement> RunAsync(WorkerRequest request, CancellationToken cancellationToken)
    {
        var window = new MeasuredWindow();
        // The blob has room for the footer, like a restore's; the ceiling only uploads the data.
        var blob = await request.BlobContainer().CreatePageBlobAsync(request.BlobName,
            request.DataSize + VhdFooter.Size, overwrite: false, cancellationToken);
        var pages = await NonZeroPageUploader.UploadAsync(request.ImagePath, blob, request.DataSize, request.PageSize,
            request.UploadParallelism, cancellationToken);
        window.Close();
        return window.ToMeasurement(request, peakLocalDiskBytes: 0, pages);
    }
}
