namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// What one job's runner measured, step by step, and what the media agent reported of its streams: the input of
/// <see cref="StageBreakdowns.From"/>. Written by the job's runner only, in sequence.
/// </summary>
internal sealed class StageTimes
{
    /// <summary>Creating the blob and the cache, opening the pseudo-disk file.</summary>
    public TimeSpan Setup { get; set; }

    /// <summary>Streams from first call to last block, over every stream of the job.</summary>
    public TimeSpan Streaming { get; set; }

    /// <summary>Of <see cref="Streaming"/>: writing received blocks into the disk (the rest is waiting for them).</summary>
    public TimeSpan Writing { get; set; }

    /// <summary>Writes waiting for a free cache slot (the page cache's own measure).</summary>
    public TimeSpan SlotWait { get; set; }

    /// <summary>The media agent reading its store, as its streams' trailers said.</summary>
    public TimeSpan MediaStoreRead { get; set; }

    /// <summary>Uploading the last pages (the flush), and after a failure the pages already in the cache.</summary>
    public TimeSpan Flush { get; set; }

    public TimeSpan Footer { get; set; }

    public TimeSpan Verify { get; set; }

    /// <summary>All Put Page calls of the job, added up (they overlap).</summary>
    public TimeSpan PutPageCalls { get; set; }

    /// <summary>Of <see cref="PutPageCalls"/>: time after throttling answers, until the next try.</summary>
    public TimeSpan Throttled { get; set; }
}
