namespace RestoreAgents.Testing;

/// <summary>How <see cref="CloudFaultProxy"/> fails a request that a <see cref="CloudFaultRule"/> picks.</summary>
public enum CloudFault
{
    /// <summary>Answers 503 ServerBusy with Retry-After, as a throttling storage account does; nothing is forwarded.</summary>
    ServerBusy,

    /// <summary>Reads the request, then drops the connection without forwarding or answering.</summary>
    DropConnection,

    /// <summary>Forwards the request (the service acts on it), then drops the connection instead of answering.</summary>
    DropAnswer,

    /// <summary>Holds the request for <see cref="CloudFaultRule.StallFor"/> (or until the client gives up), then forwards it.</summary>
    Stall,

    /// <summary>
    /// Answers <see cref="CloudFaultRule.Status"/> with <see cref="CloudFaultRule.ErrorCode"/> (403
    /// AuthorizationFailure by default), as the service answers a request that can never succeed; nothing is forwarded.
    /// </summary>
    Refuse,

    /// <summary>Flips bit <see cref="CloudFaultRule.BitToFlip"/> of the body, then forwards it: a page damaged on the way.</summary>
    FlipBit,

    /// <summary>
    /// Answers 201 Created as the service answers a Put Page (its Content-MD5 echoed), without forwarding it: a page
    /// the service acknowledged and never kept.
    /// </summary>
    AcknowledgeOnly,

    /// <summary>
    /// Awaits <see cref="CloudFaultRule.BeforeForwarding"/>, then forwards the request: something changes the blob
    /// out of band at that exact moment.
    /// </summary>
    Intercept,
}
