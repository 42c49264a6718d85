using System.Diagnostics;
using Microsoft.Extensions.Options;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.Journal;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.DataAgent.Verification;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Telemetry;
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
        catch (Exception e) when (cancellationToken.IsCancellationRequested && job.IsInterrupting)
        {
            logger.LogWarning("Restore {Job} stopped with the data agent; it resumes from its journal when the data "
                + "agent starts again ({Detail})", job.Id, SafeErrorText.Of(e));
            outcome = (RestoreState.Interrupted, "the data agent stopped; the job resumes when it starts again", null);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelling tears down the media agent's stream and the uploads, which then fail in their own words
            // (Cancelled, "request aborted"): the cause is the cancel.
            logger.LogWarning("Restore {Job} was cancelled ({Detail})", job.Id, SafeErrorText.Of(e));
            outcome = (RestoreState.Cancelled, "cancelled", null);
        }
        catch (Exception e) when (DiskFull.Find(e) is { } full)
        {
            // Nothing is wrong with the job: the proxy's disk is. What is in the blob stays; the journal says what.
            var error = $"the cache folder's disk is full ({full.Message}): free space there, then "
                + $"'restorectl resume {job.Id}'";
            SpanFailure.Mark(activity, e, error);
            logger.LogError("Restore {Job} interrupted: {Error}", job.Id, error);
            outcome = (RestoreState.Interrupted, error, e);
        }
        catch (Exception e)
        {
            // Spans, logs and the job's error get the sanitized text: never the SDK's own, which holds headers.
            var error = SafeErrorText.Of(e);
            SpanFailure.Mark(activity, e, error);
            logger.LogError(SafeErrorText.Loggable(e), "Restore {Job} failed: {Error}", job.Id, error);
            outcome = (RestoreState.Failed, error, e);
        }
        // An interrupted job keeps its journal (and only that) to resume from; any other leaves nothing behind.
        if (outcome.Item1 == RestoreState.Interrupted) KeepOnlyJournal(cacheDirectory);
        else TryDelete(cacheDirectory);

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

        // Setup: the journal, the blob, the cache and the disk file, until the first block can be written. No span
        // of its own: the cache's uploaders, started here, belong to the job's span (the blob's creation has its own).
        var setupStarted = time.GetTimestamp();
        void EndSetup() => times.Setup = time.GetElapsedTime(setupStarted);

        JobJournal journal;
        ResumePoint start;
        try
        {
            (journal, start) = await StartPointAsync(job, cacheDirectory, layout, cancellationToken);
        }
        catch
        {
            EndSetup();
            throw;
        }

        // The proof sees each page before its Put Page. A resumed job cannot prove the pages an earlier run put (their
        // blocks' hashes are not streamed again), so it proves its blob by a read-back instead.
        using var proof = request.Verify == VerifyMode.None || job.ResumedFrom is not null ? null
            : new BlockProof(job.Copy, request.PageSize, $"blob '{request.BlobName}'");
        using (journal)
        {
            var blob = start.Blob!;
            job.AttachBlob(blob.Name);
            job.AttachPacing(blob, _options.UploadParallelism);
            IReadOnlyList<LongRange> pagesWithData = [];
            var footer = FixedVhdFooter.Create(layout.DataSize, Guid.NewGuid(), time.GetUtcNow());
            if (start.HasFooter)
            {
                // The last run wrote the footer and stopped before it could say so: the blob is whole.
                EndSetup();
                job.MarkResumed((long)job.Copy.AllocatedBytes);
                logger.LogInformation("Restore {Job} resumed: its blob {Blob} is whole already", job.Id, blob.Name);
            }
            else
            {
                pagesWithData = await RestorePagesAsync(job, journal, blob, start.KeptPages, layout, proof, times,
                    EndSetup, cancellationToken);
                // The footer goes last: a blob that has it holds a whole disk.
                await Timed(DataAgentTelemetry.FooterSpan, t => times.Footer = t,
                    () => blob.WritePagesAsync(layout.DataSize, footer, cancellationToken).AsTask());
            }

            if (request.Verify != VerifyMode.None)
            {
                await Timed(DataAgentTelemetry.VerifySpan, t => times.Verify = t, async () =>
                {
                    if (proof is not null)
                    {
                        // Every block went up as hashed, and the blob lists exactly the pages that were put.
                        proof.Complete();
                        await PageRangeProof.CheckAsync(blob, pagesWithData, request.PageSize, layout.DataSize,
                            footer.Length, cancellationToken);
                    }
                    if (proof is null || request.Verify == VerifyMode.Readback)
                        await BlobVerifier.VerifyAsync(blob, layout.DiskSize, job.Copy.DiskSha256, cancellationToken);
                });
                job.MarkVerified();
            }
        }
    }

    /// <summary>
    /// A new job writes its journal first, then creates its blob (so no blob of it exists that no journal names); a
    /// resumed job reconciles its journal with its blob.
    /// </summary>
    private async Task<(JobJournal Journal, ResumePoint Start)> StartPointAsync(RestoreJob job, string cacheDirectory,
        DiskLayout layout, CancellationToken cancellationToken)
    {
        var request = job.Request;
        var journal = job.ResumedFrom
            ?? JobJournal.Create(cacheDirectory, RestoreRequests.ToJournal(job.Id, job.StartedBy, request, job.Copy));
        try
        {
            var start = job.ResumedFrom is null
                ? new ResumePoint(null, false, new RangeSet())
                : await ResumePoint.FindAsync(job.Container, request.BlobName, layout, request.PageSize,
                    journal.StoredPages, cancellationToken);
            if (start.Blob is null)
            {
                // A resumed job whose blob never came to be (or was deleted) starts from the beginning. A managed
                // disk exists at its size and reads as zeros: it is written, never created or resized.
                var blob = job.ExistingBlob ?? await job.Container.CreatePageBlobAsync(request.BlobName, layout.BlobSize,
                    request.Overwrite || job.ResumedFrom is not null, cancellationToken);
                start = start with { Blob = blob, KeptPages = new RangeSet() };
            }
            return (journal, start);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <returns>The pages this run put that hold data (what the proof's page-range check expects).</returns>
    private async Task<IReadOnlyList<LongRange>> RestorePagesAsync(RestoreJob job, JobJournal journal,
        AzurePageBlob blob, RangeSet keptPages, DiskLayout layout, BlockProof? proof, StageTimes times,
        Action endSetup, CancellationToken cancellationToken)
    {
        var request = job.Request;
        PageCache cache;
        var checkpoints = new JournalCheckpoints(journal, _options.Journal, time);
        try
        {
            metrics.BytesSkippedZero((long)(job.Copy.DiskSize - job.Copy.AllocatedBytes));
            var cacheOptions = new PageCacheOptions
            {
                PageSize = request.PageSize,
                CapacityBytes = request.CacheSize,
                Directory = Path.Combine(_options.CacheDirectory, job.Id),
                UploadParallelism = _options.UploadParallelism,
            };
            cache = new PageCache(cacheOptions, layout.DataSize, blob, job.Id, time, cacheMetrics, checkpoints, proof);
        }
        catch
        {
            endSetup();
            await checkpoints.DisposeAsync();
            throw;
        }

        try
        {
            job.AttachCache(cache);
            IRestoreDisk disk;
            var kept = KeptBytes.Of(keptPages, request.PageSize, (long)job.Copy.DiskSize, job.Copy.Allocated);
            try
            {
                foreach (var (offset, length) in layout.Holes(job.Copy.Allocated))
                    cache.DeclareZero(offset, length);
                disk = await disks.CreateAsync(job, cache, cancellationToken);
            }
            catch
            {
                endSetup();
                throw;
            }
            endSetup();
            if (job.ResumedFrom is not null)
            {
                job.MarkResumed(kept.AllocatedBytes);
                logger.LogInformation("Restore {Job} resumed: its blob holds {Kept} bytes of the copy already; asking "
                    + "{Media} for the other {Missing}", job.Id, kept.AllocatedBytes, request.MediaAgent,
                    (long)job.Copy.AllocatedBytes - kept.AllocatedBytes);
            }
            await using (disk)
            {
                try
                {
                    await StreamBlocksAsync(job, disk, kept, proof, times, cancellationToken);
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
                return cache.PagesHoldingData();
            }
        }
        finally
        {
            job.DetachCache();
            await cache.DisposeAsync();
            times.PutPageCalls = blob.PutPages.Calls;
            times.Throttled = blob.PutPages.Throttled;
            await KeepCheckpointAsync(job, checkpoints);
            await checkpoints.DisposeAsync();
        }
    }

    /// <summary>Whatever way the pages ended, the journal names every page that reached the blob (best effort).</summary>
    private async Task KeepCheckpointAsync(RestoreJob job, JournalCheckpoints checkpoints)
    {
        try
        {
            await checkpoints.FlushAsync(CancellationToken.None);
        }
        catch (IOException e)
        {
            logger.LogWarning("Restore {Job}: the last checkpoint could not be written ({Error}); a resume asks for "
                + "those pages again", job.Id, e.Message);
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

    private async Task StreamBlocksAsync(RestoreJob job, IRestoreDisk disk, KeptBytes kept, BlockProof? proof,
        StageTimes times, CancellationToken cancellationToken)
    {
        var expected = (long)job.Copy.AllocatedBytes - kept.AllocatedBytes;
        if (expected == 0 && kept.Ranges.Count > 0) return; // the blob holds every byte of the copy
        var media = new MediaAgentClient(channels, job.Request.MediaAgent, time, logger);
        var stream = new ResumingBlockStream(media, job.Copy, _options.MediaAgentStream, time, logger);
        foreach (var range in kept.Ranges) stream.Received.Keep(range.Start, range.End - range.Start);
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

        if (received != expected)
            throw new MediaAgentStreamException(
                $"{media.Agent} ended the stream of copy '{job.Copy.Name}' after {received} "
                + $"of the {expected} bytes asked for");
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

    /// <summary>Removes the cache files an interrupted job leaves, keeping its journal.</summary>
    private void KeepOnlyJournal(string directory)
    {
        try
        {
            foreach (var file in Directory.EnumerateFileSystemEntries(directory))
            {
                if (Path.GetFileName(file) == JobJournal.FileName) continue;
                if (Directory.Exists(file)) Directory.Delete(file, recursive: true);
                else File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not clear cache folder {Folder}", directory);
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
