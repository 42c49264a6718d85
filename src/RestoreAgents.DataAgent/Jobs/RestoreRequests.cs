using Grpc.Core;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Cloud.ManagedDisks;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.ManagedDisks;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Turns a StartRestore message into a validated <see cref="RestoreRequest"/> and the container the job writes
/// into. Everything is checked here, before the data agent dials anything: the media agent and the destination
/// must be configured ones, and the names must be ones Azure keeps as given.
/// </summary>
internal static class RestoreRequests
{
    public static (RestoreRequest Request, PageBlobContainer Container) From(StartRestoreRequest message,
        DataAgentOptions defaults, MediaAgentDirectory mediaAgents, StorageDestinations destinations)
    {
        var mediaAgent = mediaAgents.Get(message.MediaAgent);
        if (string.IsNullOrWhiteSpace(message.CopyName))
            throw Invalid("copy name is empty");

        long pageSize = message.PageSizeBytes == 0 ? defaults.PageSizeBytes : message.PageSizeBytes;
        try
        {
            PageBlobRules.ValidatePageSize(pageSize);
        }
        catch (InvalidPageSizeException e)
        {
            throw Invalid(e.Message);
        }

        var cacheSize = message.CacheSizeBytes == 0 ? defaults.CacheSizeBytes : (long)message.CacheSizeBytes;
        if (cacheSize < pageSize)
            throw Invalid($"the cache of {ByteCount.Format(cacheSize)} (--cache-size, else DataAgent:CacheSizeBytes) is "
                + $"smaller than one page of {ByteCount.Format(pageSize)} (--page-size, else DataAgent:PageSizeBytes)");

        var target = message.Target ?? throw Invalid("target is missing: name a configured destination, a container "
            + "and a blob (a client that sends a connection string or URLs is older than this data agent)");
        var destination = destinations.Get(target.Destination);
        PageBlobContainer container;
        string blobName;
        try
        {
            (container, blobName) = destination.Open(target.Container, target.BlobName, target.SasUrl);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }

        ManagedDiskTarget? managedDisk = null;
        if (destination.Kind == DestinationKind.ManagedDisk)
        {
            // Open has made sure a managed disk's request brings its blob SAS.
            managedDisk = new ManagedDiskTarget(BlobSasGrant.Of(target.SasUrl),
                target.SasExpiresAt?.ToDateTimeOffset());
        }

        var request = new RestoreRequest(mediaAgent, message.CopyName, destination.Name, container.Name, blobName,
            UsesSas: !string.IsNullOrWhiteSpace(target.SasUrl), (int)pageSize, cacheSize, Verify(message.VerifyMode),
            message.Overwrite, managedDisk);
        return (request, container);
    }

    /// <summary>
    /// The request of a job kept in a journal, against today's configuration: its media agent and destination must
    /// still be configured. <paramref name="sasUrl"/> is the SAS given again, for a job that was started with one.
    /// </summary>
    public static (RestoreRequest Request, PageBlobContainer Container) FromJournal(Journal.JournaledRequest kept,
        string? sasUrl, MediaAgentDirectory mediaAgents, StorageDestinations destinations)
    {
        if (kept.UsesSas && string.IsNullOrWhiteSpace(sasUrl))
            throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"job {kept.JobId} was started with a "
                + "SAS URL, which its journal does not keep: resume it with the SAS URL again (restorectl resume "
                + $"{kept.JobId} --sas-url-file FILE)");
        var mediaAgent = mediaAgents.Get(kept.MediaAgent);
        var destination = destinations.Get(kept.Destination);
        PageBlobContainer container;
        string blobName;
        try
        {
            (container, blobName) = destination.Open(kept.Container, kept.BlobName, kept.UsesSas ? sasUrl : null);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
        if (blobName != kept.BlobName)
            throw Invalid($"the SAS URL names blob '{blobName}', but job {kept.JobId} restores into '{kept.BlobName}'");
        var request = new RestoreRequest(mediaAgent, kept.CopyName, destination.Name, container.Name, blobName,
            kept.UsesSas, kept.PageSize, kept.CacheSize, kept.Verify, kept.Overwrite);
        return (request, container);
    }

    /// <summary>What the journal of a new job keeps of it: names and sizes, no secret.</summary>
    public static Journal.JournaledRequest ToJournal(string jobId, string startedBy, RestoreRequest request,
        CopyDescription copy) => new()
    {
        JobId = jobId,
        StartedBy = startedBy,
        MediaAgent = request.MediaAgent.Name,
        CopyName = request.CopyName,
        Destination = request.Destination,
        Container = request.Container,
        BlobName = request.BlobName,
        UsesSas = request.UsesSas,
        PageSize = request.PageSize,
        CacheSize = request.CacheSize,
        Verify = request.Verify,
        Overwrite = request.Overwrite,
        DiskSize = copy.DiskSize,
        AllocatedBytes = copy.AllocatedBytes,
        DiskSha256 = copy.DiskSha256,
    };

    /// <summary>The request's verify mode; unspecified is the proof.</summary>
    private static VerifyMode Verify(VerifyMode mode) => mode switch
    {
        VerifyMode.Unspecified => VerifyMode.Proof,
        VerifyMode.None or VerifyMode.Proof or VerifyMode.Readback => mode,
        _ => throw Invalid($"verify_mode {(int)mode} is not a verify mode: use NONE, PROOF or READBACK"),
    };

    private static RestoreRejectedException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
