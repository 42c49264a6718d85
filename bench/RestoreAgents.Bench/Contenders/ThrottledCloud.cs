using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Contenders;

/// <summary>
/// The stand-in for a throttling page blob of issue 9: a <see cref="CloudFaultProxy"/> before Azurite that lets each
/// blob take 20 MiB/s of Put Page bytes and 4 Put Pages in flight, and answers 503 ServerBusy with Retry-After beyond
/// (Retry-After: 1 for a call over the in-flight limit, the time until its bytes are allowed otherwise).
/// </summary>
public sealed record ThrottledCloud
{
    public long BytesPerSecond { get; init; } = 20 * BenchSettings.MiB;
    public int MaxInFlight { get; init; } = 4;
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    public string Describe() =>
        $"{BytesPerSecond / BenchSettings.MiB} MiB/s and {MaxInFlight} Put Pages in flight per blob, 503 + Retry-After beyond";

    public async Task<CloudFaultProxy> StartAsync(string blobEndpoint)
    {
        var proxy = await CloudFaultProxy.StartAsync(blobEndpoint);
        proxy.Pace(new BlobPacing { BytesPerSecond = BytesPerSecond, MaxInFlight = MaxInFlight, RetryAfter = RetryAfter });
        return proxy;
    }

    /// <summary>
    /// The bytes the blob accepted over the time from the first Put Page to the last answer, as a share of the cap;
    /// and the share of Put Page calls refused.
    /// </summary>
    public (double OfCap, double Refused) Measure(IReadOnlyList<CloudRequest> requests, string blobName)
    {
        var puts = requests.Where(r => r.Kind == CloudRequestKind.PutPage && r.Blob == blobName).ToList();
        var accepted = puts.Where(p => p.Succeeded).Sum(p => p.Length);
        var seconds = (puts.Max(p => p.AnsweredAt) - puts.Min(p => p.ReceivedAt)).TotalSeconds;
        return (accepted / seconds / BytesPerSecond, puts.Count(p => p.Status == 503) / (double)puts.Count);
    }
}
