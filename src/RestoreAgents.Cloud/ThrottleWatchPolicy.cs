using Azure.Core;
using Azure.Core.Pipeline;

namespace RestoreAgents.Cloud;

/// <summary>
/// Sees every try of every call (it sits after the SDK's retry policy): counts throttling answers, and adds each
/// throttled try and the back-off after it, to the next try, to the <see cref="PutPageTimes"/> the call carries.
/// </summary>
internal sealed class ThrottleWatchPolicy(CloudMetrics? metrics, TimeProvider time) : HttpPipelinePolicy
{
    private const string ThrottledAtProperty = "RestoreAgents.ThrottledAt";

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = BeforeTry(message);
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        AfterTry(message, started);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = BeforeTry(message);
        ProcessNext(message, pipeline);
        AfterTry(message, started);
    }

    /// <summary>Azure's throttling answers: 503 ServerBusy, 500 OperationTimedOut, 429 from some front ends.</summary>
    internal static bool IsThrottling(int status) => status is 503 or 500 or 429;

    private long BeforeTry(HttpMessage message)
    {
        var now = time.GetTimestamp();
        // The back-off the SDK waited since the last, throttled try.
        if (message.TryGetProperty(ThrottledAtProperty, out var value) && value is ThrottledAt { Timestamp: { } at } mark)
        {
            Times(message)?.AddThrottled(time.GetElapsedTime(at, now));
            mark.Timestamp = null;
        }
        return now;
    }

    private void AfterTry(HttpMessage message, long started)
    {
        if (!message.HasResponse || !IsThrottling(message.Response.Status)) return;
        metrics?.Throttled(message.Response.Status, message.Request.Uri.Host ?? "");
        if (Times(message) is not { } times) return;
        var now = time.GetTimestamp();
        times.AddThrottled(time.GetElapsedTime(started, now)); // a try the service refused is time lost to it
        if (message.TryGetProperty(ThrottledAtProperty, out var value) && value is ThrottledAt mark)
            mark.Timestamp = now;
        else
            message.SetProperty(ThrottledAtProperty, new ThrottledAt { Timestamp = now });
    }

    /// <summary>When the last try of one call was throttled; cleared when the next try starts.</summary>
    private sealed class ThrottledAt
    {
        public long? Timestamp { get; set; }
    }

    private static PutPageTimes? Times(HttpMessage message) =>
        message.TryGetProperty(PutPageTimes.MessageProperty, out var value) ? value as PutPageTimes : null;
}
