using Grpc.Core;
using RestoreAgents.Cloud;
using RestoreAgents.Cloud.ManagedDisks;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Vhd;

namespace RestoreAgents.DataAgent.ManagedDisks;

/// <summary>
/// The checks of a restore into a managed disk, all before a byte is written, each refusing the StartRestore call
/// with one clear error (FailedPrecondition): the SAS may write, outlasts the predicted upload, the footer will be
/// one Azure takes, and the disk's blob has exactly the size the copy needs. Reads the blob's properties, nothing else.
/// </summary>
internal static class ManagedDiskPreflight
{
    /// <returns>The disk's blob, opened (not created): the job writes into it.</returns>
    /// <exception cref="RestoreRejectedException">A check failed; the message says which and what to do.</exception>
    public static async Task<AzurePageBlob> CheckAsync(ManagedDiskTarget target, PageBlobContainer container,
        string blobName, CopyDescription copy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var layout = DiskLayout.For(copy);
        var disk = $"managed disk blob {container.AccountEndpoint}/{container.Name}/{blobName}";

        // Put Page needs write; reading the size (and a read-back) needs read. A stored policy's letters are not
        // in the URL: then the first call tells.
        if (target.Grant.Lacks('w'))
            throw Refused($"the SAS of {disk} grants '{target.Grant.Permissions}', without write (w): ask "
                + "grant-access for Write access");
        if (target.Grant.Lacks('r'))
            throw Refused($"the SAS of {disk} grants '{target.Grant.Permissions}', without read (r), which reading "
                + "the disk's size needs");

        var predicted = ManagedDiskRules.PredictedUpload((long)copy.AllocatedBytes, layout.BlobSize);
        var needed = ManagedDiskRules.RequiredSasLifetime(predicted);
        if (target.ExpiresOn is { } expires && expires - now < needed)
            throw Refused(expires <= now
                ? $"the SAS of {disk} expired at {expires:u}: grant access again"
                : $"the SAS of {disk} expires at {expires:u}, in {Hours(expires - now)}; uploading "
                    + $"{copy.AllocatedBytes} bytes at {ManagedDiskRules.UploadBytesPerSecond(layout.BlobSize) >> 20} "
                    + $"MiB/s takes about {Hours(predicted)}, so the SAS must last at least {Hours(needed)} "
                    + $"(grant access for longer; at most {ManagedDiskRules.MaxSasLifetime.TotalDays:F0} days)");

        if (FooterProblem(layout) is { } footer)
            throw Refused($"the VHD footer for {disk} would not be valid for Azure: {footer}");

        AzurePageBlob blob;
        try
        {
            blob = await container.OpenPageBlobAsync(blobName, cancellationToken);
        }
        catch (CloudDestinationException e)
        {
            throw Refused($"{e.Message.TrimEnd('.')} (nothing was written)");
        }
        if (blob.Size != layout.BlobSize)
            throw Refused($"{disk} is {blob.Size} bytes, but copy '{copy.Name}' of {copy.DiskSize} bytes needs "
                + $"exactly {layout.BlobSize} (the disk rounded up to a whole MiB, {layout.DataSize}, and the "
                + $"{VhdFooter.Size}-byte footer); create the disk with uploadSizeBytes {layout.BlobSize}. Nothing "
                + "was written: the disk is never resized");
        return blob;
    }

    /// <summary>Azure attaches a fixed VHD whose size is a whole number of MiB; null when the footer is such.</summary>
    private static string? FooterProblem(DiskLayout layout)
    {
        var footer = VhdFooter.Parse(FixedVhdFooter.Create(layout.DataSize, Guid.Empty, DateTimeOffset.UnixEpoch));
        if (footer.DiskType != VhdFooter.FixedDiskType)
            return $"its disk type is {footer.DiskType}, not fixed ({VhdFooter.FixedDiskType})";
        if (footer.CurrentSize != layout.DataSize || footer.CurrentSize % (1024 * 1024) != 0)
            return $"its size {footer.CurrentSize} is not the disk's {layout.DataSize} in whole MiB";
        return ManagedDiskRules.UploadSizeProblem(layout.BlobSize);
    }

    private static string Hours(TimeSpan span) => span.TotalHours >= 1
        ? $"{span.TotalHours:F1} h"
        : $"{Math.Ceiling(span.TotalMinutes):F0} min";

    private static RestoreRejectedException Refused(string message) =>
        new(StatusCode.FailedPrecondition, message);
}
