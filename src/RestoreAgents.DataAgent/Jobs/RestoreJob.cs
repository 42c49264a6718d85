using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>One restore: its request, what the media agent said of the copy, its state and its progress.</summary>
internal sealed class RestoreJob
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RestoreState _state = RestoreState.Queued;
    private PageCache? _cache;
    private CancellationTokenRegistration _cacheCancel;
    private PageCacheStatistics? _finalStatistics;
    private long _bytesRestored;
    private string _error = "";
    private string _blobUrl = "";
    private bool _verified;
    private DateTimeOffset? _started;
    private DateTimeOffset? _finishedAt;
    private StageBreakdown? _stages;
    private string _traceId = "";
    private AzurePageBlob? _pacedBlob;
    private int _uploadParallelism;
    private int _streamReconnects;
    private PageBlobContainer? _container;

    public RestoreJob(string id, RestoreRequest request, CopyDescription copy, string startedBy, ActivityContext parent,
        PageBlobContainer container)
    {
        Id = id;
        StartedBy = startedBy;
        Request = request;
        Copy = copy;
        Parent = parent;
        _container = container;
    }

    public string Id { get; }

    /// <summary>The identity of the caller that started the job.</summary>
    public string StartedBy { get; }
    public RestoreRequest Request { get; }
    public CopyDescription Copy { get; }

    /// <summary>The trace context of the StartRestore call, so the job's spans join the controller's trace.</summary>
    public ActivityContext Parent { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The blob to write into instead of creating one: a managed disk, opened and checked at start.</summary>
    public AzurePageBlob? ExistingBlob { get; init; }

    /// <summary>
    /// The container the job restores into, until the job ends: with a request's SAS URL it holds the SAS, so the
    /// job lets go of it then (a finished job is kept for a while for status calls).
    /// </summary>
    /// <exception cref="InvalidOperationException">The job has ended.</exception>
    public PageBlobContainer Container
    {
        get { lock (_gate) return _container ?? throw new InvalidOperationException($"job {Id} has ended"); }
    }

    /// <summary>The job's place in the queue and the cache folder (<see cref="JobAdmission"/>), given back as it ends.</summary>
    internal IDisposable? Admission { get; init; }

    /// <summary>Completes when the job has reached a final state.</summary>
    public Task Finished => _finished.Task;

    public RestoreState State { get { lock (_gate) return _state; } }

    public bool IsFinished => State is RestoreState.Completed or RestoreState.Failed or RestoreState.Cancelled;

    public void Cancel() => _cancellation.Cancel();

    internal void MarkRunning(DateTimeOffset now)
    {
        lock (_gate)
        {
            _state = RestoreState.Running;
            _started = now;
        }
    }

    internal void AttachBlob(string url) { lock (_gate) _blobUrl = url; }

    /// <summary>The blob whose Put Page pacing the progress shows, and the most uploads the job keeps in flight.</summary>
    internal void AttachPacing(AzurePageBlob blob, int uploadParallelism)
    {
        lock (_gate) (_pacedBlob, _uploadParallelism) = (blob, uploadParallelism);
    }

    internal void AddStreamReconnect() => Interlocked.Increment(ref _streamReconnects);

    /// <summary>
    /// A cancel also cancels the cache: a FUSE thread waiting in it for a stalled Put Page holds no token of ours.
    /// </summary>
    internal void AttachCache(PageCache cache)
    {
        lock (_gate) _cache = cache;
        _cacheCancel = _cancellation.Token.Register(cache.Cancel);
    }

    /// <summary>Keeps the cache's last figures once the cache is gone.</summary>
    internal void DetachCache()
    {
        _cacheCancel.Dispose();
        lock (_gate)
        {
            _finalStatistics = _cache?.Statistics;
            _cache = null;
        }
    }

    internal void AddRestored(long bytes) => Interlocked.Add(ref _bytesRestored, bytes);

    internal void MarkVerified() { lock (_gate) _verified = true; }

    /// <summary>The trace the job's spans belong to (default when it is not traced).</summary>
    internal void AttachTrace(ActivityTraceId traceId)
    {
        lock (_gate) _traceId = traceId == default ? "" : traceId.ToHexString();
    }

    /// <param name="stages">Where the job's time went; none for a job that never ran.</param>
    internal void Finish(RestoreState state, DateTimeOffset now, string error = "", StageBreakdown? stages = null)
    {
        lock (_gate)
        {
            if (_state is RestoreState.Completed or RestoreState.Failed or RestoreState.Cancelled) return;
            // Before anyone can see the job ended (its cache folder is gone by now): a controller that saw it end
            // may start the next one at once.
            Admission?.Dispose();
            _state = state;
            _error = error;
            _finishedAt = now;
            _stages = stages;
            _container = null;
        }
        _finished.TrySetResult();
    }

    public RestoreProgress Snapshot()
    {
        lock (_gate)
        {
            var statistics = _cache?.Statistics ?? _finalStatistics;
            return new RestoreProgress
            {
                JobId = Id,
                State = _state,
                CopyName = Request.CopyName,
                BlobUrl = _blobUrl,
                DiskSize = Copy.DiskSize,
                BytesToRestore = Copy.AllocatedBytes,
                BytesRestored = (ulong)Interlocked.Read(ref _bytesRestored),
                BytesSkippedZero = Copy.DiskSize - Copy.AllocatedBytes,
                PagesUploaded = (ulong)(statistics?.PagesUploaded ?? 0),
                PagesSkippedZero = (ulong)(statistics?.PagesSkippedZero ?? 0),
                BytesUploaded = (ulong)(statistics?.BytesUploaded ?? 0),
                PageSizeBytes = (uint)Request.PageSize,
                CacheSizeBytes = (ulong)Request.CacheSize,
                Started = _started is { } started ? Timestamp.FromDateTimeOffset(started) : null,
                Finished = _finishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
                Error = _error,
                Verified = _verified,
                StartedBy = StartedBy,
                Stages = _stages,
                TraceId = _traceId,
                CloudPacing = _pacedBlob is null ? null : CloudPacings.From(_pacedBlob.Pacing, _uploadParallelism),
                StreamReconnects = (uint)Volatile.Read(ref _streamReconnects),
            };
        }
    }
}
