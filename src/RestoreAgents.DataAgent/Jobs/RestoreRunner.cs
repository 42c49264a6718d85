using System.Diagnostics;
using Microsoft.Extensions.Options;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.DataAgent.Verification;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Vhd;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Runs one restore from start to end: creates the page blob, streams the copy's blocks through the page cache
/// (each full page goes up at once), uploads the partial pages, writes the VHD footer, and verifies if asked.
/// </summary>
internal sealed class RestoreRunner(
    IOptions<DataAgentOptions> options,
    IRestoreDiskFactory disks,
    AgentChannels channels,
    TimeProvider time,
    ILogger<RestoreRunner> logger)
{
    /// <summary>How long a failed job may spend uploading what reached its cache before it gives up on that.</summary>
    private static readonly TimeSpan KeepCachedPagesTimeout = TimeSpan.FromMinutes(1);

    private readonly DataAgentOptions _options = options.Value;

    public async Task RunAsync(RestoreJob job)
    {
        // The job's span ends before the job says it is finished, so a watcher sees a complete trace.
        var (state, error) = await RunTracedAsync(job);
        job.Finish(state, time.GetUtcNow(), error);
        DataAgentTelemetry.JobsFinished.Add(1, new KeyValuePair<string, object?>("state", state.ToString()));
    }

    private async Task<(RestoreState State, string Error)> RunTracedAsync(RestoreJob job)
    {
        using var activity = DataAgentTelemetry.Source.StartActivity("restore.job", ActivityKind.Internal, job.Parent);
        activity?.SetTag("restoreagents.job", job.Id);
        activity?.SetTag("restoreagents.copy", job.Request.CopyName);
        var cancellationToken = job.CancellationToken;
        job.MarkRunning(time.GetUtcNow());
        var cacheDirectory = Path.Combine(_options.CacheDirectory, job.Id);
        try
        {
            await RestoreAsync(job, cacheDirectory, cancellationToken);
            logger.LogInformation("Restore {Job} of copy {Copy} completed into {Blob}", job.Id, job.Request.CopyName,
                job.Snapshot().BlobUrl);
            return (RestoreState.Completed, "");
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelling tears down the media agent's stream and the uploads, which then fail in their own words
            // (Cancelled, "request aborted"): the cause is the cancel.
            logger.LogWarning("Restore {Job} was cancelled ({Detail})", job.Id, SafeErrorText.Of(e));
            return (RestoreState.Cancelled, "cancelled");
        }
        catch (Exception e)
        {
            // Spans, logs and the job's error get the sanitized text: never the SDK's own, which holds headers.
            var error = SafeErrorText.Of(e);
            activity?.SetStatus(ActivityStatusCode.Error, error);
            logger.LogError(SafeErrorText.Loggable(e), "Restore {Job} failed: {Error}", job.Id, error);
            return (RestoreState.Failed, error);
        }
        finally
        {
            TryDelete(cacheDirectory);
        }
    }

    private async Task RestoreAsync(RestoreJob job, string cacheDirectory, CancellationToken cancellationToken)
    {
        var request = job.Request;
        var layout = DiskLayout.For(job.Copy);

        AzurePageBlob blob;
        using (DataAgentTelemetry.Source.StartActivity("blob.create"))
            blob = await job.Container.CreatePageBlobAsync(request.BlobName, layout.BlobSize, request.Overwrite,
                cancellationToken);
        job.AttachBlob(blob.Name);
        job.AttachPacing(blob, _options.UploadParallelism);

        var cacheOptions = new PageCacheOptions
        {
            PageSize = request.PageSize,
            CapacityBytes = request.CacheSize,
            Directory = cacheDirectory,
            UploadParallelism = _options.UploadParallelism,
        };
        var cache = new PageCache(cacheOptions, layout.DataSize, blob, job.Id, time);
        try
        {
            job.AttachCache(cache);
            foreach (var (offset, length) in layout.Holes(job.Copy.Allocated))
                cache.DeclareZero(offset, length);

            await using (var disk = await disks.CreateAsync(job, cache, cancellationToken))
            {
                try
                {
                    await StreamBlocksAsync(job, disk, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    await KeepCachedPagesAsync(job, cache, e);
                    throw;
                }
                using (DataAgentTelemetry.Source.StartActivity("cache.flush"))
                    await disk.CompleteAsync(cancellationToken);
            }
        }
        finally
        {
            job.DetachCache();
            await cache.DisposeAsync();
        }

        // The footer goes last: a blob that has it holds a whole disk.
        var footer = FixedVhdFooter.Create(layout.DataSize, Guid.NewGuid(), time.GetUtcNow());
        await blob.WritePagesAsync(layout.DataSize, footer, cancellationToken);

        if (request.Verify)
        {
            using (DataAgentTelemetry.Source.StartActivity("restore.verify"))
                await BlobVerifier.VerifyAsync(blob, layout.DiskSize, job.Copy.DiskSha256, cancellationToken);
            job.MarkVerified();
        }
    }

    private async Task StreamBlocksAsync(RestoreJob job, IRestoreDisk disk, CancellationToken cancellationToken)
    {
        using var activity = DataAgentTelemetry.Source.StartActivity("restore.stream");
        var media = new MediaAgentClient(channels, job.Request.MediaAgent, time, logger);
        var stream = new ResumingBlockStream(media, job.Copy, _options.MediaAgentStream, time, logger);
        var waitingForCache = TimeSpan.Zero;
        long received = await stream.StreamAsync(async (block, ct) =>
        {
            var start = time.GetTimestamp();
            await disk.WriteAsync((long)block.Offset, block.Data.Memory, ct);
            waitingForCache += time.GetElapsedTime(start);
            job.AddRestored(block.Data.Length);
            DataAgentTelemetry.BytesReceived.Add(block.Data.Length);
        }, _ => job.AddStreamReconnect(), cancellationToken);
        activity?.SetTag("restoreagents.bytes_received", received);
        activity?.SetTag("restoreagents.cache_write_seconds", waitingForCache.TotalSeconds);

        if (received != (long)job.Copy.AllocatedBytes)
            throw new MediaAgentStreamException(
                $"{media.Agent} ended the stream of copy '{job.Copy.Name}' after {received} "
                + $"of {job.Copy.AllocatedBytes} bytes");
    }

    /// <summary>
    /// The stream or the cache failed, but what already reached the cache is restored data: upload it, so the
    /// blob keeps everything that arrived (a retry or a resume need not fetch it again). Bounded, and best effort:
    /// when the cloud is what failed, this ends at once.
    /// </summary>
    private async Task KeepCachedPagesAsync(RestoreJob job, PageCache cache, Exception failure)
    {
        using var timeout = new CancellationTokenSource(KeepCachedPagesTimeout);
        try
        {
            await cache.FlushAsync(timeout.Token);
            logger.LogInformation("Restore {Job} failed ({Error}); the {Pages} pages that reached the cache are in the blob",
                job.Id, SafeErrorText.Of(failure), cache.Statistics.PagesUploaded);
        }
        catch (Exception e)
        {
            logger.LogWarning("Restore {Job}: the pages in the cache could not be uploaded after the failure: {Error}",
                job.Id, SafeErrorText.Of(e));
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not remove cache folder {Folder}", directory);
        }
    }
}
