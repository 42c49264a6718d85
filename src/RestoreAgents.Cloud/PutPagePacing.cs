namespace RestoreAgents.Cloud;

/// <summary>How one page blob's Put Page calls are paced right now (see <see cref="AzurePageBlob.Pacing"/>).</summary>
public sealed record PutPagePacing
{
    /// <summary>Calls the pacer lets into flight at once: it falls on throttling answers and grows back on success.</summary>
    public int InFlightLimit { get; init; }

    /// <summary>Calls in flight now (or admitted and waiting for their turn at the rate).</summary>
    public int InFlight { get; init; }

    /// <summary>The send rate the pacer holds to, learned from throttling answers; null before any.</summary>
    public double? BytesPerSecondLimit { get; init; }

    /// <summary>Put Page and Clear Pages calls answered so far, refused ones included.</summary>
    public long Calls { get; init; }

    /// <summary>Of <see cref="Calls"/>, those the service refused as throttling (503, 500 OperationTimedOut, 429).</summary>
    public long Throttled { get; init; }

    /// <summary>How much longer every call waits because of a Retry-After; zero when none is in force.</summary>
    public TimeSpan PausedFor { get; init; }
}
