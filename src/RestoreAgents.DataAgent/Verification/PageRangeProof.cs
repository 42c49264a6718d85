using RestoreAgents.Caching;
using RestoreAgents.Cloud;

namespace RestoreAgents.DataAgent.Verification;

/// <summary>
/// The last part of a restore's proof: the blob's page ranges (Get Page Ranges) must be exactly the pages the
/// restore put data in, and the footer. A page missing (a Put Page the service acknowledged but never kept) or an
/// extra one (written into a hole by someone else) fails it, naming the first such range.
/// </summary>
internal static class PageRangeProof
{
    /// <param name="pagesWithData">The cache's pages holding data, by page number.</param>
    /// <param name="dataSize">The disk's data area in the blob; the footer follows it.</param>
    /// <param name="footerLength">Bytes of the footer written at <paramref name="dataSize"/>.</param>
    public static async Task CheckAsync(AzurePageBlob blob, IReadOnlyList<LongRange> pagesWithData, int pageSize,
        long dataSize, int footerLength, CancellationToken cancellationToken)
    {
        var expected = Expected(pagesWithData, pageSize, dataSize, footerLength);
        var actual = new RangeSet();
        foreach (var range in await blob.GetPageRangesAsync(cancellationToken))
            actual.Add(range.Offset, range.End);
        Compare(expected, actual, blob.Name);
    }

    internal static RangeSet Expected(IReadOnlyList<LongRange> pagesWithData, int pageSize, long dataSize,
        int footerLength)
    {
        var expected = new RangeSet();
        foreach (var pages in pagesWithData)
            expected.Add(pages.Start * pageSize, Math.Min(pages.End * pageSize, dataSize));
        expected.Add(dataSize, dataSize + footerLength);
        return expected;
    }

    internal static void Compare(RangeSet expected, RangeSet actual, string blobName)
    {
        if (First(actual, without: expected) is { } extra)
            throw new RestoreProofException($"{blobName} holds pages at [{extra.Start}, {extra.End}) that the restore "
                + "never wrote: the copy has zeros there");
        if (First(expected, without: actual) is { } missing)
            throw new RestoreProofException($"{blobName} lacks the pages at [{missing.Start}, {missing.End}) that the "
                + "restore put: the service acknowledged them but does not list them");
    }

    /// <summary>The first range of <paramref name="set"/> not in <paramref name="without"/>, if any.</summary>
    private static LongRange? First(RangeSet set, RangeSet without)
    {
        for (int i = 0; i < set.Count; i++)
        {
            var range = set[i];
            long cursor = range.Start;
            while (cursor < range.End)
            {
                int next = without.FirstEndingAtOrAfter(cursor + 1);
                if (next == without.Count || without[next].Start >= range.End)
                    return new LongRange(cursor, range.End);
                if (without[next].Start > cursor) return new LongRange(cursor, without[next].Start);
                cursor = without[next].End;
            }
        }
        return null;
    }
}
