using System.Diagnostics;

namespace RestoreAgents.Telemetry;

/// <summary>
/// Keeps a trace a few hundred spans whatever the disk's size: of many like operations (page uploads, store
/// reads) only the first <c>sampled</c> get a span, with the spans of the HTTP calls beneath them; the rest are
/// measured by histograms only, and the calls beneath them leave no span either. A failure still gets a span, up
/// to <c>failures</c> of them. Thread-safe; one per job.
/// </summary>
public sealed class SpanBudget(ActivitySource source, string operationName, int sampled, int failures,
    TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private int _sampledLeft = sampled;
    private int _failuresLeft = failures;
    private long _unsampled;

    /// <summary>Operations that got no span of their own.</summary>
    public long Unsampled => Interlocked.Read(ref _unsampled);

    /// <summary>
    /// Starts one operation: a span of its own while the budget lasts, else none and no spans beneath it; null
    /// when nobody listens. Dispose it where the operation ends, in the same method (the suppression is an
    /// async-local scope).
    /// </summary>
    /// <param name="tags">The span's first tags, there when listeners see it start.</param>
    public BudgetedSpan? Start(params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!source.HasListeners()) return null;
        if (Interlocked.Decrement(ref _sampledLeft) >= 0)
            return new BudgetedSpan(this,
                source.StartActivity(operationName, ActivityKind.Internal, parentContext: default, tags.ToArray()),
                null, default);
        Interlocked.Increment(ref _unsampled);
        return new BudgetedSpan(this, null, OpenTelemetry.SuppressInstrumentationScope.Begin(), _time.GetUtcNow());
    }

    private void RecordFailure(DateTimeOffset started, Exception failure, KeyValuePair<string, object?>[] tags)
    {
        if (Interlocked.Decrement(ref _failuresLeft) < 0) return;
        // Told afterwards, so the span starts when the operation did.
        using var activity = source.StartActivity(operationName, ActivityKind.Internal,
            Activity.Current?.Context ?? default, tags, startTime: started);
        SpanFailure.Mark(activity, failure);
    }

    /// <summary>One budgeted operation; <see cref="Activity"/> is null when it has no span of its own.</summary>
    public sealed class BudgetedSpan : IDisposable
    {
        private readonly SpanBudget _budget;
        private readonly IDisposable? _suppression;
        private readonly DateTimeOffset _started;
        private (Exception Failure, KeyValuePair<string, object?>[] Tags)? _failure;
        private bool _disposed;

        internal BudgetedSpan(SpanBudget budget, Activity? activity, IDisposable? suppression, DateTimeOffset started)
        {
            _budget = budget;
            Activity = activity;
            _suppression = suppression;
            _started = started;
        }

        public Activity? Activity { get; }

        /// <summary>Marks the span failed; an operation without one gets a span when disposed, while the failure
        /// budget lasts.</summary>
        public void Fail(Exception failure, params KeyValuePair<string, object?>[] tags)
        {
            ArgumentNullException.ThrowIfNull(failure);
            if (Activity is null)
            {
                _failure = (failure, tags);
                return;
            }
            foreach (var tag in tags) Activity.SetTag(tag.Key, tag.Value);
            SpanFailure.Mark(Activity, failure);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Activity?.Dispose();
            _suppression?.Dispose();
            if (_failure is { } failed) _budget.RecordFailure(_started, failed.Failure, failed.Tags);
        }
    }
}
