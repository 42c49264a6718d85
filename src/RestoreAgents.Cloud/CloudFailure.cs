namespace RestoreAgents.Cloud;

/// <summary>Why a call to the page blob's storage account failed, as an operator would act on it.</summary>
public enum CloudFailure
{
    /// <summary>Something the other kinds do not cover; the message has the status and error code.</summary>
    Other,

    /// <summary>401/403: a wrong account key, a SAS that is invalid, expired, or lacks a permission.</summary>
    AccessDenied,

    /// <summary>404 ContainerNotFound.</summary>
    ContainerNotFound,

    /// <summary>404 BlobNotFound.</summary>
    BlobNotFound,

    /// <summary>409 BlobAlreadyExists (or 412 on a create that asked If-None-Match: *).</summary>
    BlobAlreadyExists,

    /// <summary>No connection to the account endpoint, even after the retries.</summary>
    Unreachable,

    /// <summary>No answer within the network timeout, even after the retries.</summary>
    TimedOut,

    /// <summary>429/500/502/503/504 from the service, still after the retries.</summary>
    ServiceBusy,

    /// <summary>The blob exists but is a block or append blob, not a page blob.</summary>
    NotAPageBlob,

    /// <summary>Another 4xx: the service refused the request as sent.</summary>
    Rejected,
}
