using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Vhd;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// Where a resumed job stands, from its journal and its blob: the blob may be gone (start it again), whole (its VHD
/// footer is in: only the end remains), or partly restored. A page counts as there only when the journal names it
/// and the blob's page ranges hold it: a blob someone cleared or replaced is not trusted for what the journal says.
/// </summary>
/// <param name="Blob">The blob, or none when it does not exist.</param>
/// <param name="HasFooter">The footer is in: the blob holds the whole disk (the footer goes last).</param>
/// <param name="KeptPages">Page numbers the job need not restore again.</param>
internal sealed record ResumePoint(AzurePageBlob? Blob, bool HasFooter, RangeSet KeptPages)
{
    public static async Task<ResumePoint> FindAsync(PageBlobContainer container, string blobName, DiskLayout layout,
        int pageSize, IReadOnlyList<LongRange> journaled, CancellationToken cancellationToken)
    {
        AzurePageBlob blob;
        try
        {
            blob = await container.OpenPageBlobAsync(blobName, cancellationToken);
        }
        catch (CloudDestinationException e) when (e.Failure == CloudFailure.BlobNotFound)
        {
            return new ResumePoint(null, false, new RangeSet());
        }
        if (blob.Size != layout.BlobSize)
            throw new CloudDestinationException($"Could not resume into {blob.Name}: it holds {blob.Size} bytes, not "
                + $"the {layout.BlobSize} of this job's disk; it was replaced since the job began", CloudFailure.Other,
                blob.AccountEndpoint, blob.Container, blob.BlobName);

        var footer = new byte[VhdFooter.Size];
        await blob.ReadAsync(layout.DataSize, footer, cancellationToken);
        if (VhdFooter.HasCookie(footer)) return new ResumePoint(blob, true, new RangeSet());

        var inBlob = new RangeSet();
        foreach (var range in await blob.GetPageRangesAsync(cancellationToken))
            inBlob.Add(range.Offset, range.End);
        var kept = new RangeSet();
        foreach (var pages in journaled)
        {
            for (long page = pages.Start; page < pages.End; page++)
            {
                long start = page * pageSize, end = Math.Min(start + pageSize, layout.DataSize);
                if (start < end && inBlob.Covers(start, end)) kept.Add(page, page + 1);
            }
        }
        return new ResumePoint(blob, false, kept);
    }
}
