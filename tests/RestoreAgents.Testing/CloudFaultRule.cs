namespace RestoreAgents.Testing;

/// <summary>
/// Which requests <see cref="CloudFaultProxy"/> fails, and how: those of one kind (and blob, and page offset
/// range), after letting <see cref="Skip"/> of them through, <see cref="Times"/> times.
/// </summary>
/// <example><code>
/// // Every try of the Put Page at 5 MiB is throttled; the ones before and after go through.
/// new CloudFaultRule { Kind = CloudRequestKind.PutPage, Fault = CloudFault.ServerBusy, FromOffset = 5 * MiB, ToOffset = 5 * MiB + 1 }
/// // The third Put Page of the restore loses its connection once.
/// new CloudFaultRule { Kind = CloudRequestKind.PutPage, Fault = CloudFault.DropConnection, Skip = 2, Times = 1 }
/// </code></example>
public sealed class CloudFaultRule
{
    private readonly Lock _gate = new();
    private int _matched;
    private int _applied;
    private Random? _draws;

    public CloudRequestKind Kind { get; init; } = CloudRequestKind.PutPage;

    public required CloudFault Fault { get; init; }

    /// <summary>Only requests to this blob (its name in the container); any blob when null.</summary>
    public string? Blob { get; init; }

    /// <summary>Only page requests whose range starts at or after this offset.</summary>
    public long FromOffset { get; init; }

    /// <summary>Only page requests whose range starts before this offset.</summary>
    public long ToOffset { get; init; } = long.MaxValue;

    /// <summary>Matching requests let through before the first fault: 2 fails the third.</summary>
    public int Skip { get; init; }

    /// <summary>Matching requests failed after the skipped ones; every one by default (a persistent fault).</summary>
    public int Times { get; init; } = int.MaxValue;

    /// <summary>The Retry-After of <see cref="CloudFault.ServerBusy"/>.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long <see cref="CloudFault.Stall"/> holds a request; until the client gives up when null.</summary>
    public TimeSpan? StallFor { get; init; }

    /// <summary>The bit of the body <see cref="CloudFault.FlipBit"/> flips; the middle one when null.</summary>
    public long? BitToFlip { get; init; }

    /// <summary>The status of <see cref="CloudFault.Refuse"/>.</summary>
    public int Status { get; init; } = 403;

    /// <summary>The x-ms-error-code of <see cref="CloudFault.Refuse"/>.</summary>
    public string ErrorCode { get; init; } = "AuthorizationFailure";

    /// <summary>
    /// The chance that a matching request (past <see cref="Skip"/>, within <see cref="Times"/>) is failed: 0.2 fails
    /// about one in five, drawn from <see cref="Seed"/> so that a run can be repeated.
    /// </summary>
    public double Probability { get; init; } = 1;

    public int Seed { get; init; } = 1;

    /// <summary>What <see cref="CloudFault.Intercept"/> runs before it forwards the request.</summary>
    public Func<CancellationToken, Task>? BeforeForwarding { get; init; }

    /// <summary>How many requests this rule has failed so far.</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>True, counting it, when this rule fails the request.</summary>
    internal bool Takes(CloudRequestKind kind, string blob, long? offset)
    {
        if (kind != Kind || (Blob is not null && Blob != blob)) return false;
        if ((FromOffset > 0 || ToOffset < long.MaxValue) && (offset is not { } at || at < FromOffset || at >= ToOffset))
            return false;
        lock (_gate)
        {
            if (++_matched <= Skip || _applied >= Times) return false;
            if (Probability < 1 && (_draws ??= new Random(Seed)).NextDouble() >= Probability) return false;
            _applied++;
            return true;
        }
    }
}
