using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RestoreAgents.Cloud;

/// <summary>
/// Sees every try of every call (it sits after the SDK's retry policy) and counts its throttling answers on the
/// host's meter. The time throttling costs page writes is <see cref="PacedPageWrites"/>' to count: it runs their tries.
/// </summary>
internal sealed class ThrottleWatchPolicy(CloudMetrics metrics) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Count(message);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    /// <summary>Azure's throttling answers, as <see cref="PageWriteAnswer"/> reads them: 503 ServerBusy, 500
    /// OperationTimedOut, 429 from some front ends.</summary>
    private static bool IsThrottling(Response response) =>
        response.Status is 503 or 429
        || (response.Status == 500 && response.Headers.TryGetValue("x-ms-error-code", out var code)
            && code == "OperationTimedOut");

    private void Count(HttpMessage message)
    {
        if (message.HasResponse && IsThrottling(message.Response))
            metrics.Throttled(message.Response.Status, message.Request.Uri.Host ?? "");
    }
}
