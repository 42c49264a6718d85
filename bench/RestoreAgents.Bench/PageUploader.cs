using System.Buffers;
using Microsoft.Win32.SafeHandles;
using RestoreAgents.Cloud;

namespace RestoreAgents.Bench;

/// <summary>
/// Uploads a local disk file's data pages to a page blob, as fast as the client allows: the same Put Page
/// size, MD5 and parallelism as the data agent, with nothing in between (the ceiling, and two-phase's phase 2).
/// </summary>
internal static class PageUploader
{
    public static async Task UploadAsync(string sourceFile, IReadOnlyList<long> pageOffsets, int pageSize,
        AzurePageBlobStore blob, int parallelism, CancellationToken cancellationToken)
    {
        using SafeFileHandle source = File.OpenHandle(sourceFile);
        long fileLength = RandomAccess.GetLength(source);
        await Parallel.ForEachAsync(pageOffsets,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (offset, token) =>
            {
                int length = (int)Math.Min(pageSize, blob.Size - offset);
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    var page = buffer.AsMemory(0, length);
                    int read = offset < fileLength
                        ? await RandomAccess.ReadAsync(source, page, offset, token)
                        : 0;
                    page.Span[read..].Clear(); // past the end of the file: the padding to a whole sector
                    await blob.WritePagesAsync(offset, page, token);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            });
    }
}
