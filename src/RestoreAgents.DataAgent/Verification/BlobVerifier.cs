using System.Buffers;
using System.Security.Cryptography;
using RestoreAgents.Cloud;
using RestoreAgents.Telemetry;

namespace RestoreAgents.DataAgent.Verification;

/// <summary>
/// Reads a restored disk back from the cloud and compares it with the copy's SHA-256. Only the pages the blob
/// lists as written travel; the rest reads as zeros by the service's contract, so zeros are hashed locally. A
/// page missing from the blob shows as zeros and fails the hash; a page written into a hole is listed and read.
/// Several reads are in flight at once, hashed in order.
/// </summary>
internal static class BlobVerifier
{
    private const int ReadSize = 4 * 1024 * 1024;
    private const int ReadsInFlight = 4;
    private static readonly byte[] Zeros = new byte[ReadSize];

    /// <summary>Reads that get a span (with the HTTP spans beneath); the rest leave none, whatever the disk's size.</summary>
    private const int SampledReads = 4;

    public static async Task VerifyAsync(AzurePageBlob blob, long diskSize, string expectedSha256,
        CancellationToken cancellationToken)
    {
        var written = await blob.GetPageRangesAsync(cancellationToken);
        var readSpans = new SpanBudget(DataAgentTelemetry.Source, "blob.read", SampledReads, failures: 0);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reads = new Queue<(Task Read, byte[] Buffer, int Length)>();
        try
        {
            foreach (var (offset, length, isData) in Pieces(diskSize, written))
            {
                if (!isData)
                {
                    // Zeros in order: every read queued before them is hashed first.
                    while (reads.Count > 0) await HashNextAsync(reads, hash);
                    for (long left = length; left > 0; left -= ReadSize)
                        hash.AppendData(Zeros, 0, (int)Math.Min(ReadSize, left));
                    continue;
                }
                if (reads.Count == ReadsInFlight) await HashNextAsync(reads, hash);
                var buffer = ArrayPool<byte>.Shared.Rent((int)length);
                reads.Enqueue((ReadAsync(blob, offset, buffer.AsMemory(0, (int)length), readSpans, cancellationToken),
                    buffer, (int)length));
            }
            while (reads.Count > 0) await HashNextAsync(reads, hash);
        }
        finally
        {
            foreach (var (read, buffer, _) in reads)
            {
                await Task.WhenAny(read); // the buffer goes back only when no read writes into it
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"verification failed: the disk in {blob.Name} has SHA-256 {actual}, the copy has {expectedSha256}");
    }

    private static async Task ReadAsync(AzurePageBlob blob, long offset, Memory<byte> buffer, SpanBudget spans,
        CancellationToken cancellationToken)
    {
        using var span = spans.Start();
        span?.Activity?.SetTag(TelemetryAttributes.PageOffset, offset);
        await blob.ReadAsync(offset, buffer, cancellationToken);
    }

    private static async Task HashNextAsync(Queue<(Task Read, byte[] Buffer, int Length)> reads, IncrementalHash hash)
    {
        var (read, buffer, length) = reads.Peek();
        await read;
        reads.Dequeue();
        hash.AppendData(buffer, 0, length);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>[0, diskSize) in order, as data pieces of at most <see cref="ReadSize"/> and runs of zeros.</summary>
    internal static IEnumerable<(long Offset, long Length, bool IsData)> Pieces(long diskSize,
        IReadOnlyList<BlobPageRange> written)
    {
        long cursor = 0;
        foreach (var range in written)
        {
            long start = Math.Max(range.Offset, cursor), end = Math.Min(range.End, diskSize);
            if (start >= end) continue;
            if (start > cursor) yield return (cursor, start - cursor, false);
            for (long offset = start; offset < end; offset += ReadSize)
                yield return (offset, Math.Min(ReadSize, end - offset), true);
            cursor = end;
        }
        if (cursor < diskSize) yield return (cursor, diskSize - cursor, false);
    }
}
