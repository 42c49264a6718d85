namespace RestoreAgents.Cloud;

/// <summary>
/// A page blob's storage account could not do what was asked. The message names the account endpoint, the
/// container, the blob, the offset for page I/O, and the cause in words; it never holds a key or a SAS.
/// </summary>
/// <remarks>
/// A service error is not kept as the inner exception: its text can echo the request's signature. Its status,
/// error code and request id are kept here instead. Network errors (which hold no secret) are kept as inner.
/// </remarks>
public sealed class CloudDestinationException : Exception
{
    public CloudDestinationException(string message, CloudFailure failure, string accountEndpoint, string container,
        string blobName, long? offset = null, int status = 0, string? errorCode = null, string? requestId = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        AccountEndpoint = accountEndpoint;
        Container = container;
        BlobName = blobName;
        Offset = offset;
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
    }

    public CloudFailure Failure { get; }

    /// <summary>The blob service endpoint of the account, without any query string.</summary>
    public string AccountEndpoint { get; }

    public string Container { get; }

    public string BlobName { get; }

    /// <summary>The blob offset of the failed page write, read or clear; null for whole-blob operations.</summary>
    public long? Offset { get; }

    /// <summary>The last HTTP status the service answered with; 0 when no answer came.</summary>
    public int Status { get; }

    /// <summary>The service's error code (x-ms-error-code), e.g. "AuthorizationPermissionMismatch".</summary>
    public string? ErrorCode { get; }

    /// <summary>The service's request id (x-ms-request-id), for a support ticket.</summary>
    public string? RequestId { get; }
}
