using System.Diagnostics;
using Microsoft.Extensions.Options;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.DataAgent.Verification;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Telemetry;
using RestoreAgents.Vhd;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Runs one restore from start to end: creates the page blob (or takes the managed disk's), streams the copy's blocks through the page cache
/// (each full page goes up at once), uploads the partial pages, writes the VHD footer, and verifies if asked.
/// </summary>
internal sealed class RestoreRunner(
    IOptions<DataAgentOptions> options,
    IRestoreDiskFactory disks,
    AgentChannels channels,
    DataAgentMetrics metrics,
    PageCacheMetrics cacheMetrics,
    TimeProvider time,
    ILogger<RestoreRunner> logger)
{
    /// <summary>How long a failed job may spend uploading what reached its cache before it gives up on that.</summary>
    private static readonly TimeSpan KeepCachedPagesTimeout = TimeSpan.FromMinutes(1);

    private readonly DataAgentOptions _options = options.Value;

    public async Task RunAsync(RestoreJob job)
    {
        // The job's span ends before the job says it is finished, so a watcher sees a complete trace.
        var started = time.GetTimestamp();
        var (state, error, failure, stages) = await RunTracedAsync(job);
        job.Finish(state, time.GetUtcNow(), error, stages);
        metrics.JobEnded(wasRunning: true, state, time.GetElapsedTime(started), failure);
    }

    private async Task<(RestoreState State, string Error, Exception? Failure, StageBreakdown Stages)> RunTracedAsync(
        RestoreJob job)
    {
        using var activity = DataAgentTelemetry.Source.StartActivity(DataAgentTelemetry.JobSpan, ActivityKind.Internal,
            job.Parent);
        activity?.SetTag(TelemetryAttributes.JobId, job.Id);
        activity?.SetTag(TelemetryAttributes.CopyName, job.Request.CopyName);
        // A trace id only when this job's spans are recorded: one a viewer can find.
        job.AttachTrace(activity is { Recorded: true } ? activity.TraceId : default);
        var cancellationToken = job.CancellationToken;
        var started = time.GetTimestamp();
        job.MarkRunning(time.GetUtcNow());
        metrics.JobStarted();
        var times = new StageTimes();
        var cacheDirectory = Path.Combine(_options.CacheDirectory, job.Id);
        (RestoreState, string, Exception?) outcome;
        try
        {
            await RestoreAsync(job, cacheDirectory, times, cancellationToken);
            logger.LogInformation("Restore {Job} of copy {Copy} completed into {Blob}", job.Id, job.Request.CopyName,
                job.Snapshot().BlobUrl);
            outcome = (RestoreState.Completed, "", null);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelling tears down the media agent's stream and the uploads, which then fail in their own words
            // (Cancelled, "request aborted"): the cause is the cancel.
            logger.LogWarning("Restore {Job} was cancelled ({Detail})", job.Id, SafeErrorText.Of(e));
            outcome = (RestoreState.Cancelled, "cancelled", null);
        }
        catch (Exception e)
        {
            // Spans, logs and the job's error get the sanitized text: never the SDK's own, which holds headers.
            var error = SafeErrorText.Of(e);
            SpanFailure.Mark(activity, e, error);
            logger.LogError(SafeErrorText.Loggable(e), "Restore {Job} failed: {Error}", job.Id, error);
            outcome = (RestoreState.Failed, error, e);
        }
        finally
        {
            TryDelete(cacheDirectory);
        }

        var stages = StageBreakdowns.From(times, time.GetElapsedTime(started));
        foreach (var (name, seconds) in StageBreakdowns.Stages(stages))
            activity?.SetTag(TelemetryAttributes.StagePrefix + name, seconds);
        logger.LogInformation("Restore {Job} took {Wall:F1} s: store {Store:F1} s, network {Network:F1} s, "
            + "cache {Cache:F1} s, cloud upload {Upload:F1} s (slot wait {SlotWait:F1} s, throttled {Throttled:F1} s), "
            + "verify {Verify:F1} s; trace {Trace}", job.Id, stages.WallSeconds, stages.StoreReadSeconds,
            stages.NetworkSeconds, stages.CacheWriteSeconds, stages.CloudUploadSeconds, stages.SlotWaitSeconds,
            stages.ThrottledSeconds, stages.VerifySeconds, job.Snapshot().TraceId is { Length: > 0 } trace ? trace : "none");
        return (outcome.Item1, outcome.Item2, outcome.Item3, stages);
    }

    private async Task RestoreAsync(RestoreJob job, string cacheDirectory, StageTimes times,
        CancellationToken cancellationToken)
    {
        var request = job.Request;
        var layout = DiskLayout.For(job.Copy);

        // Setup: the blob, the cache and the disk file, until the first block can be written. No span of its own:
        // the cache's uploaders, started here, belong to the job's span (the blob's creation has its own span).
        var setupStarted = time.GetTimestamp();
        void EndSetup() => times.Setup = time.GetElapsedTime(setupStarted);

        AzurePageBlob blob;
        PageCache cache;
        // The proof sees each page before its Put Page; without it (VerifyMode.None) pages go unchecked.
        using var proof = request.Verify == VerifyMode.None ? null
            : new BlockProof(job.Copy, request.PageSize, $"blob '{request.BlobName}'");
        IReadOnlyList<LongRange> pagesWithData = [];
        try
        {
            // A managed disk exists at its size and reads as zeros: it is written, never created or resized.
            blob = job.ExistingBlob ?? await job.Container.CreatePageBlobAsync(request.BlobName, layout.BlobSize,
                request.Overwrite, cancellationToken);
            job.AttachBlob(blob.Name);
            job.AttachPacing(blob, _options.UploadParallelism);
            metrics.BytesSkippedZero((long)(job.Copy.DiskSize - job.Copy.AllocatedBytes));
            var cacheOptions = new PageCacheOptions
            {
                PageSize = request.PageSize,
                CapacityBytes = request.CacheSize,
                Directory = cacheDirectory,
                UploadParallelism = _options.UploadParallelism,
            };
            cache = new PageCache(cacheOptions, layout.DataSize, blob, job.Id, time, cacheMetrics, proof);
        }
        catch
        {
            EndSetup();
            throw;
        }

        try
        {
            job.AttachCache(cache);
            IRestoreDisk disk;
            try
            {
                foreach (var (offset, length) in layout.Holes(job.Copy.Allocated))
                    cache.DeclareZero(offset, length);
                disk = await disks.CreateAsync(job, cache, cancellationToken);
            }
            catch
            {
                EndSetup();
                throw;
            }
            EndSetup();
            await using (disk)
            {
                try
                {
                    await StreamBlocksAsync(job, disk, proof, times, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    await Timed(spanName: null, t => times.Flush += t, () => KeepCachedPagesAsync(job, cache, e));
                    throw;
                }
                finally
                {
                    times.SlotWait = cache.Statistics.SlotWaitTime;
                }
                await Timed(DataAgentTelemetry.FlushSpan, t => times.Flush += t, () => disk.CompleteAsync(cancellationToken));
                pagesWithData = cache.PagesHoldingData();
            }
        }
        finally
        {
            job.DetachCache();
            await cache.DisposeAsync();
            times.PutPageCalls = blob.PutPages.Calls;
            times.Throttled = blob.PutPages.Throttled;
        }

        // The footer goes last: a blob that has it holds a whole disk.
        var footer = FixedVhdFooter.Create(layout.DataSize, Guid.NewGuid(), time.GetUtcNow());
        await Timed(DataAgentTelemetry.FooterSpan, t => times.Footer = t,
            () => blob.WritePagesAsync(layout.DataSize, footer, cancellationToken).AsTask());

        if (proof is not null)
        {
            await Timed(DataAgentTelemetry.VerifySpan, t => times.Verify = t, async () =>
            {
                // Every block went up as hashed, and the blob lists exactly the pages that were put: no read-back.
                proof.Complete();
                await PageRangeProof.CheckAsync(blob, pagesWithData, request.PageSize, layout.DataSize, footer.Length,
                    cancellationToken);
                if (request.Verify == VerifyMode.Readback)
                    await BlobVerifier.VerifyAsync(blob, layout.DiskSize, job.Copy.DiskSha256, cancellationToken);
            });
            job.MarkVerified();
        }
    }

    /// <summary>Runs one step, under a span of its own if named, and records the step's time.</summary>
    private async Task Timed(string? spanName, Action<TimeSpan> record, Func<Task> step)
    {
        // Started here, in this method's own flow, so the span stops being current when the step ends.
        using var span = spanName is null ? null : DataAgentTelemetry.Source.StartActivity(spanName);
        var started = time.GetTimestamp();
        try
        {
            await step();
        }
        catch (Exception e)
        {
            SpanFailure.Mark(span, e, SafeErrorText.Of(e));
            throw;
        }
        finally
        {
            record(time.GetElapsedTime(started));
        }
    }

    private async Task StreamBlocksAsync(RestoreJob job, IRestoreDisk disk, BlockProof? proof, StageTimes times,
        CancellationToken cancellationToken)
    {
        var media = new MediaAgentClient(channels, job.Request.MediaAgent, time, logger);
        var stream = new ResumingBlockStream(media, job.Copy, _options.MediaAgentStream, time, logger);
        var watch = new StreamWatch(job, media.Agent, times, metrics, time);
        var received = await stream.StreamAsync(async (block, ct) =>
        {
            // Before the bytes reach the cache: a page can be checked only against a hash that arrived.
            if (proof is not null && !block.BlockSha256.IsEmpty) proof.AddHash((long)block.Offset, block.BlockSha256.Span);
            var writeStarted = time.GetTimestamp();
            await disk.WriteAsync((long)block.Offset, block.Data.Memory, ct);
            watch.AddWriting(time.GetElapsedTime(writeStarted));
            job.AddRestored(block.Data.Length);
            metrics.BytesReceived(block.Data.Length);
        }, watch, cancellationToken);

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
