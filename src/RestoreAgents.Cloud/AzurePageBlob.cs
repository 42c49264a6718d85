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
/// Made by <see cref="PageBlobStoreFactory"/>.
/// </summary>
public sealed class AzurePageBlob : IPageBlob
{
    /// <summary>Page blobs are written in whole pages of this many bytes.</summary>
    public const int PageBytes = 512;

    /// <summary>The most bytes one Put Page takes: 4 MiB.</summary>
    public const int MaxWriteBytes = 4 * 1024 * 1024;

    private readonly PageBlobClient _client;
    private readonly BlobLocation _location;
    private readonly CloudErrors _errors;

    internal AzurePageBlob(PageBlobClient client, long size, BlobLocation location, CloudOptions options)
    {
        _client = client;
        _location = location;
        _errors = new CloudErrors(location, options);
        Size = size;
    }

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
        if (data.Length > MaxWriteBytes)
            throw new ArgumentException(
                $"write of {data.Length} bytes at offset {offset} to {Name} is larger than {MaxWriteBytes} bytes "
                + "(4 MiB), the most one Azure Put Page takes", nameof(data));
        CheckPages("write", offset, data.Length, nameof(data));
        return WriteAsync(offset, data, cancellationToken);
    }

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckRead(offset, buffer.Length);
        return buffer.IsEmpty ? ValueTask.CompletedTask : ReadRangeAsync(offset, buffer, async: true, cancellationToken);
    }

    /// <summary>
    /// The same as <see cref="ReadAsync"/>, with the SDK's synchronous download: for a FUSE thread, which must not
    /// block on asynchronous I/O.
    /// </summary>
    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckRead(offset, buffer.Length);
        if (!buffer.IsEmpty) ReadRangeAsync(offset, buffer, async: false, cancellationToken).EnsureCompleted();
    }

    public ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        CheckPages("clear", offset, length, nameof(length));
        return ClearAsync(offset, length, cancellationToken);
    }

    /// <summary>Downloads the whole blob into a local file (created or replaced), e.g. to verify a restore.</summary>
    public async Task DownloadToAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var activity = CloudTelemetry.Start("page_blob.download", Name);
        try
        {
            await _client.DownloadToAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken, localFile: true))
        {
            CloudTelemetry.Fail(activity, e);
            throw _errors.Translate(e, "download");
        }
    }

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
        DeleteCoreAsync(async: true, cancellationToken);

    /// <summary>The same as <see cref="DeleteAsync(CancellationToken)"/>, with the SDK's synchronous call.</summary>
    public void Delete(CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(async: false, cancellationToken).EnsureCompleted();

    public override string ToString() => Name;

    private async Task DeleteCoreAsync(bool async, CancellationToken cancellationToken)
    {
        using var activity = CloudTelemetry.Start("page_blob.delete", Name);
        try
        {
            if (async)
                await _client.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            else
                _client.DeleteIfExists(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw _errors.Translate(e, "delete", sasPermissions: "delete (d)");
        }
    }

    private async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var options = new PageBlobUploadPagesOptions
        {
            TransferValidation = new UploadTransferValidationOptions
            {
                // Transactional MD5, computed here from the caller's bytes (Azurite refuses the SDK's CRC64 mode).
                ChecksumAlgorithm = StorageChecksumAlgorithm.MD5,
                PrecalculatedChecksum = MD5.HashData(data.Span),
            },
        };
        // BinaryData wraps the memory without copying; the stream is seekable, so a retry can rewind it.
        using var content = new BinaryData(data).ToStream();
        try
        {
            await _client.UploadPagesAsync(content, offset, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw _errors.Translate(e, $"write {data.Length} bytes at offset {offset} to", offset);
        }
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

    private async ValueTask ClearAsync(long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            await _client.ClearPagesAsync(new HttpRange(offset, length), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw _errors.Translate(e, $"clear {length} bytes at offset {offset} of", offset);
        }
    }

    private void CheckRead(long offset, int length)
    {
        if (offset < 0 || offset > Size - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"read of {length} bytes at offset {offset} is outside {Name} of {Size} bytes");
    }

    private void CheckPages(string what, long offset, long length, string lengthName)
    {
        if (offset % PageBytes != 0 || length % PageBytes != 0 || length <= 0)
            throw new ArgumentException(
                $"{what} of {length} bytes at offset {offset} to {Name} is not whole pages: the offset and the "
                + $"length must be multiples of {PageBytes} and the length more than 0",
                offset % PageBytes != 0 ? nameof(offset) : lengthName);
        if (offset < 0 || offset > Size - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"{what} of {length} bytes at offset {offset} is outside {Name} of {Size} bytes");
    }
}
