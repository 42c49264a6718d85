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

    /// <summary>The request's verify mode; unspecified is the proof.</summary>
    private static VerifyMode Verify(VerifyMode mode) => mode switch
    {
        VerifyMode.Unspecified => VerifyMode.Proof,
        VerifyMode.None or VerifyMode.Proof or VerifyMode.Readback => mode,
        _ => throw Invalid($"verify_mode {(int)mode} is not a verify mode: use NONE, PROOF or READBACK"),
    };

    private static RestoreRejectedException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
