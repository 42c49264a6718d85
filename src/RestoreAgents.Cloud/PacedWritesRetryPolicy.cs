using Azure.Core;
using Azure.Core.Pipeline;

namespace RestoreAgents.Cloud;

/// <summary>
/// The SDK's exponential retries for every call except page writes and clears (PUT ?comp=page): those are retried by
/// <see cref="PacedPageWrites"/>, so that every throttling answer reaches the blob's pacer and tries do not multiply.
/// </summary>
internal sealed class PacedWritesRetryPolicy(int maxRetries, DelayStrategy delay) : RetryPolicy(maxRetries, delay)
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        !IsPageWrite(message) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        IsPageWrite(message) ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);

    internal static bool IsPageWrite(HttpMessage message) =>
        message.Request.Method == RequestMethod.Put
        && message.Request.Uri.Query.Contains("comp=page", StringComparison.Ordinal);
}
