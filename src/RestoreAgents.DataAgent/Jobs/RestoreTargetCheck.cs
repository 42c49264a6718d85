using Grpc.Core;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// StartRestore's look at the destination before it accepts a job, so the mistakes an operator can fix are refused
/// with the option that fixes them, not found by the job: a copy too large for a page blob, a blob that exists
/// without overwrite, a container that is missing where the credentials cannot create it. What the look cannot
/// tell (a SAS without read permission, a cloud that does not answer) is left to the job, which reports it.
/// </summary>
internal static class RestoreTargetCheck
{
    /// <param name="patience">How long the look may take (DataAgent:MediaAgentTimeout, StartRestore's own wait).</param>
    public static async Task RefuseMistakesAsync(RestoreRequest request, CopyDescription copy,
        PageBlobContainer container, TimeSpan patience, ILogger logger, CancellationToken cancellationToken)
    {
        var target = $"blob '{request.Container}/{request.BlobName}' of destination '{request.Destination}'";
        var size = DiskLayout.For(copy).BlobSize;
        if (size > PageBlobRules.MaxBlobBytes)
            throw new RestoreRejectedException(StatusCode.InvalidArgument, $"copy '{copy.Name}' needs a page blob of "
                + $"{ByteCount.Format(size)} (its disk and the 512-byte VHD footer), but a page blob holds at most "
                + $"{ByteCount.Format(PageBlobRules.MaxBlobBytes)}");

        long? existing;
        using var look = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        look.CancelAfter(patience);
        try
        {
            existing = await container.ExistingBlobSizeAsync(request.BlobName, look.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("No answer from the cloud about {Target} within {Patience}; the job will try", target,
                patience);
            return;
        }
        catch (CloudDestinationException e) when (e.Failure == CloudFailure.ContainerNotFound)
        {
            if (container.CanBeCreated) return; // the job creates it
            throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"container '{request.Container}' "
                + $"does not exist in destination '{request.Destination}', and a SAS URL cannot create it: create it "
                + "first (restorectl mount --create-container), or restore without --sas-url so the destination's "
                + "own credential creates it");
        }
        catch (CloudDestinationException e)
        {
            logger.LogInformation("Could not look at {Target} before the job: {Reason}", target, e.Message);
            return;
        }
        if (existing is { } bytes && !request.Overwrite)
            throw new RestoreRejectedException(StatusCode.AlreadyExists, $"{target} already exists "
                + $"({ByteCount.Format(bytes)}): restore with --overwrite to replace it, or choose another --blob");
    }
}
