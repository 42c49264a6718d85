namespace RestoreAgents.Cloud;

/// <summary>
/// How long one blob's page writes took, added up over calls that overlap, and how much of it went to throttling:
/// from each try the service answered with 503, 500 or 429 to the next try. Thread-safe.
/// </summary>
public sealed class PutPageTimes
{
    /// <summary>The HTTP message property under which a call carries the times it adds to.</summary>
    internal const string MessageProperty = "RestoreAgents.PutPageTimes";

    private long _callTicks;
    private long _throttledTicks;

    public TimeSpan Calls => TimeSpan.FromTicks(Interlocked.Read(ref _callTicks));

    public TimeSpan Throttled => TimeSpan.FromTicks(Interlocked.Read(ref _throttledTicks));

    internal void AddCall(TimeSpan duration) => Interlocked.Add(ref _callTicks, duration.Ticks);

    internal void AddThrottled(TimeSpan duration) => Interlocked.Add(ref _throttledTicks, duration.Ticks);
}
