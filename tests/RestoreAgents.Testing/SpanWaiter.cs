using System.Diagnostics;

namespace RestoreAgents.Testing;

/// <summary>
/// Completes when the code under test starts a span (an <see cref="Activity"/>) of one name that carries one tag
/// value: a wait on the event itself, fed by an <see cref="ActivityListener"/>, for code that traces what it does
/// (a writer starting to wait for a cache slot: "cache.wait_for_slot" tagged with the cache's name). It listens
/// from its creation until it is disposed.
/// </summary>
public sealed class SpanWaiter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly TaskCompletionSource<Activity> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _operation;

    public SpanWaiter(string sourceName, string operationName, string tagName, object tagValue)
    {
        _operation = operationName;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (activity.OperationName == operationName && Equals(activity.GetTagItem(tagName), tagValue))
                    _started.TrySetResult(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The first such span, once it has started (guarded by <see cref="HangGuard"/>).</summary>
    public Task<Activity> Started => HangGuard.Within(_started.Task, $"a '{_operation}' span");

    public void Dispose() => _listener.Dispose();
}
