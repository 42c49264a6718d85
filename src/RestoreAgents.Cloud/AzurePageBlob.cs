using System.Buffers;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Caching;

namespace RestoreAgents.Cloud;

/// <summary>
/// The page blob of a restore. Writes are whole 512-byte pages, at most 4 MiB a call, each
/// sent with its MD5 so the service rejects a page that changed on the way. Failures surface as
/// <see cref="CloudDestinationException"/>s that name the blob and, for page I/O, the offset.
/// Handed out by <see cref="PageBlobContainer"/>; the rules it checks are <see cref="PageBlobRules"/>. Page writes and
/// clears go through the blob's <see cref="PutPagePacer"/> and are retried by it (<see cref="PacedPageWrites"/>), not
/// by the SDK.
/// </summary>
public sealed class AzurePageBlob : IPageBlob
{
    private readonly PageBlobClient _client;
    private readonly BlobLocation _location;
    private readonly CloudErrors _errors;
    private readonly PutPagePacer _pacer;
    private readonly PacedPageWrites _pagedWrites;

    internal AzurePageBlob(PageBlobClient client, long size, BlobLocation location, CloudErrors errors,
        CloudOptions options)
    {
        _client = client;
        _location = location;
        _errors = errors;
        Size = size;
        _pacer = new PutPagePacer(options.Time);
        _pagedWrites = new PacedPageWrites(_pacer, PutPages, options, errors, options.Time);
    }

    /// <summary>How this blob's page writes are paced now: calls let into flight, send rate, throttling answers.</summary>
    public PutPagePacing Pacing => _pacer.Snapshot();

    /// <summary>How long this blob's page writes and clears took, and how much of that went to throttling.</summary>
    public PutPageTimes PutPages { get; } = new();

    public long Size { get; }

    /// <summary>The blob's URL without its query string: safe for messages, logs and traces.</summary>
    public string Name => _location.Url;

    /// <summary>The account's blob endpoint, e.g. https://account.blob.core.windows.net.</summary>
    public string AccountEndpoint => _location.AccountEndpoint;

    public string Container => _location.Container;

    public string BlobName => _location.BlobName;

    public ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        // Azurite takes writes that Azure refuses, so these checks are ours and come before any request.
        PageBlobRules.ValidatePutPage(offset, data.Length, Size, Name);
        return WriteAsync(offset, data, cancellationToken);
    }

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidateRange("read", offset, buffer.Length, Size, Name);
        return buffer.IsEmpty ? ValueTask.CompletedTask : ReadRangeAsync(offset, buffer, async: true, cancellationToken);
    }

    /// <summary>
    /// The same as <see cref="ReadAsync"/>, with the SDK's synchronous download: for a FUSE thread, which must not
    /// block on asynchronous I/O.
    /// </summary>
    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidateRange("read", offset, buffer.Length, Size, Name);
        if (!buffer.IsEmpty) ReadRangeAsync(offset, buffer, async: false, cancellationToken).EnsureCompleted();
    }

    public ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidatePages("clear", offset, length, Size, Name);
        return ClearAsync(offset, length, cancellationToken);
    }

    /// <summary>Downloads the whole blob into a sparse local file (created or replaced), e.g. to verify a restore.</summary>
    public async Task DownloadToAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var activity = CloudTelemetry.Start("page_blob.download", Name);
        // Only the written pages are read, and all-zero chunks among them are not written: the rest of the file
        // stays a hole, so a 127 GiB disk with 2 GiB of data takes 2 GiB on the local disk too.
        var ranges = await GetPageRangesAsync(cancellationToken).ConfigureAwait(false);
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
        RandomAccess.SetLength(file, Size);
        var buffer = ArrayPool<byte>.Shared.Rent(DownloadChunkBytes);
        try
        {
            foreach (var range in ranges)
            {
                for (long offset = range.Offset; offset < range.Offset + range.Length; offset += DownloadChunkBytes)
                {
                    var chunk = buffer.AsMemory(0, (int)Math.Min(DownloadChunkBytes, range.Offset + range.Length - offset));
                    await ReadRangeAsync(offset, chunk, async: true, cancellationToken).ConfigureAwait(false);
                    if (chunk.Span.ContainsAnyExcept((byte)0))
                        await RandomAccess.WriteAsync(file, chunk, offset, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (CloudDestinationException e)
        {
            throw CloudTelemetry.Fail(activity, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Bytes a download reads per call: the largest Put Page, so a chunk is as large as a page can be.</summary>
    private const int DownloadChunkBytes = 4 * 1024 * 1024;

    /// <summary>The ranges that hold written pages, ascending; never-written and cleared pages are left out.</summary>
    public async Task<IReadOnlyList<BlobPageRange>> GetPageRangesAsync(CancellationToken cancellationToken = default)
    {
        var ranges = new List<BlobPageRange>();
        try
        {
            await foreach (var item in _client.GetAllPageRangesAsync(cancellationToken: cancellationToken)
                               .ConfigureAwait(false))
            {
                if (!item.IsClear)
                    ranges.Add(new BlobPageRange(item.Range.Offset, item.Range.Length ?? Size - item.Range.Offset));
            }
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw _errors.Translate(e, "list the page ranges of");
        }
        return ranges;
    }

    /// <summary>Deletes the blob (with any snapshots); a blob already gone counts as deleted.</summary>
    public Task DeleteAsync(CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(_client, _location, _errors, async: true, cancellationToken);

    /// <summary>The same as <see cref="DeleteAsync(CancellationToken)"/>, with the SDK's synchronous call.</summary>
    public void Delete(CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(_client, _location, _errors, async: false, cancellationToken).EnsureCompleted();

    public override string ToString() => Name;

    /// <summary>The one delete body of <see cref="DeleteAsync(CancellationToken)"/>, <see cref="Delete"/> and the container's.</summary>
    internal static async Task DeleteCoreAsync(PageBlobClient client, BlobLocation location, CloudErrors errors,
        bool async, CancellationToken cancellationToken)
    {
        using var activity = CloudTelemetry.Start("page_blob.delete", location.Url);
        try
        {
            if (async)
                await client.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            else
                client.DeleteIfExists(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, errors.Translate(e, "delete", sasPermissions: "delete (d)"));
        }
    }

    private ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Transactional MD5, computed once here from the caller's bytes (Azurite refuses the SDK's CRC64 mode).
        var md5 = MD5.HashData(data.Span);
        return _pagedWrites.RunAsync(offset, data.Length, $"write {data.Length} bytes at offset {offset} to",
            token => PutPagesOnceAsync(offset, data, md5, token), cancellationToken);
    }

    private async ValueTask PutPagesOnceAsync(long offset, ReadOnlyMemory<byte> data, byte[] md5,
        CancellationToken cancellationToken)
    {
        var options = new PageBlobUploadPagesOptions
        {
            TransferValidation = new UploadTransferValidationOptions
            {
                ChecksumAlgorithm = StorageChecksumAlgorithm.MD5,
                PrecalculatedChecksum = md5,
            },
        };
        // BinaryData wraps the memory without copying.
        using var content = new BinaryData(data).ToStream();
        await _client.UploadPagesAsync(content, offset, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One body for both reads: <paramref name="async"/> false makes only the SDK's synchronous calls.</summary>
    private async ValueTask ReadRangeAsync(long offset, Memory<byte> buffer, bool async,
        CancellationToken cancellationToken)
    {
        try
        {
            var download = new BlobDownloadOptions { Range = new HttpRange(offset, buffer.Length) };
            var response = async
                ? await _client.DownloadStreamingAsync(download, cancellationToken).ConfigureAwait(false)
                : _client.DownloadStreaming(download, cancellationToken);
            using var result = response.Value;
            if (async) await result.Content.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            else result.Content.ReadExactly(buffer.Span);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw _errors.Translate(e, $"read {buffer.Length} bytes at offset {offset} from", offset);
        }
    }

    private ValueTask ClearAsync(long offset, long length, CancellationToken cancellationToken) =>
        _pagedWrites.RunAsync(offset, 0, $"clear {length} bytes at offset {offset} of",
            async token => await _client.ClearPagesAsync(new HttpRange(offset, length), cancellationToken: token)
                .ConfigureAwait(false), cancellationToken);
}
