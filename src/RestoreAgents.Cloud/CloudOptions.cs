using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// Retries and timeouts of every call to the storage account (the SDK's exponential back-off), and how long a
/// throttled page write is retried, paced. Bound from configuration by the data agent ("DataAgent:Cloud").
/// </summary>
public sealed class CloudOptions
{
    public const int MaxMaxRetries = 100;

    /// <summary>Retries of a failed call (network error, timeout, 408/429/500/502/503/504) before it fails.</summary>
    [Range(0, MaxMaxRetries)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first back-off; each retry waits about twice as long as the one before.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest back-off between two tries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one try may wait for the service before it counts as failed (and is retried).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The host's storage instruments (throttling answers); none unless <see cref="MeasureWith"/> gave them.</summary>
    internal CloudMetrics? Metrics { get; private set; }

    /// <summary>
    /// How long one page write may keep being refused as throttling (503, 500 OperationTimedOut, 429) before the
    /// restore fails: until then it is retried, paced (see <see cref="AzurePageBlob.Pacing"/>).
    /// </summary>
    public TimeSpan ThrottleDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Clock of the pacing and the back-offs of page writes; the system clock unless a test says otherwise.</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Last say over the SDK client options: tests add an HTTP pipeline policy here.</summary>
    internal Action<BlobClientOptions>? ConfigureClient { get; set; }

    /// <summary>Counts the storage calls' throttling answers on the host's meter (a method: not a setting to bind).</summary>
    public void MeasureWith(CloudMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Metrics = metrics;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (MaxRetries is < 0 or > MaxMaxRetries)
            throw new ArgumentException(
                $"cloud setting MaxRetries is {MaxRetries}; it must be between 0 and {MaxMaxRetries}");
        if (RetryDelay < TimeSpan.Zero)
            throw new ArgumentException($"cloud setting RetryDelay is {RetryDelay}; it must not be negative");
        if (MaxRetryDelay < RetryDelay)
            throw new ArgumentException(
                $"cloud setting MaxRetryDelay ({MaxRetryDelay}) is shorter than RetryDelay ({RetryDelay})");
        if (NetworkTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"cloud setting NetworkTimeout is {NetworkTimeout}; it must be positive");
        if (ThrottleDeadline <= TimeSpan.Zero)
            throw new ArgumentException($"cloud setting ThrottleDeadline is {ThrottleDeadline}; it must be positive");
    }

    internal BlobClientOptions ToClientOptions()
    {
        var options = new BlobClientOptions
        {
            Retry =
            {
                Mode = RetryMode.Exponential,
                MaxRetries = MaxRetries,
                Delay = RetryDelay,
                MaxDelay = MaxRetryDelay,
                NetworkTimeout = NetworkTimeout,
            },
            Diagnostics = { ApplicationId = "RestoreAgents" },
        };
        // The same back-off as Retry says, but page writes are left to their blob's pacer (PacedPageWrites).
        options.RetryPolicy = new PacedWritesRetryPolicy(MaxRetries,
            DelayStrategy.CreateExponentialDelayStrategy(RetryDelay, MaxRetryDelay));
        if (Metrics is not null) options.AddPolicy(new ThrottleWatchPolicy(Metrics), HttpPipelinePosition.PerRetry);
        ConfigureClient?.Invoke(options);
        return options;
    }
}
