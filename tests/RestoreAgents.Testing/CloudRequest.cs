namespace RestoreAgents.Testing;

/// <summary>One request <see cref="CloudFaultProxy"/> saw, and what became of it.</summary>
/// <param name="Blob">The blob's name in its container; empty for account and container requests.</param>
/// <param name="Offset">The first byte of a page request's range (x-ms-range or Range); null without one.</param>
/// <param name="Length">The range's length, or the body's for requests without a range.</param>
/// <param name="Fault">The fault the proxy applied; null when it only forwarded.</param>
/// <param name="Status">The status the client received; 0 when the connection was dropped.</param>
public sealed record CloudRequest(CloudRequestKind Kind, string Blob, long? Offset, long Length, CloudFault? Fault,
    int Status)
{
    /// <summary>When the proxy took the request.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When its answer went out (or its connection was dropped).</summary>
    public DateTimeOffset AnsweredAt { get; init; }

    /// <summary>Forwarded and answered with success: for a Put Page, the page is in the blob.</summary>
    public bool Succeeded => Status is >= 200 and < 300 && Fault is not (CloudFault.DropAnswer or CloudFault.FlipBit);
}
