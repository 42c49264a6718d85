using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Caching;

namespace RestoreAgents.Cloud;

/// <summary>
/// A container of page blobs, from <see cref="StorageAccountClient.GetContainer"/>: lists its blobs, creates
/// itself, and creates, opens and deletes its page blobs. Every name and size is checked before a request;
/// failures of the account surface as <see cref="CloudDestinationException"/>s naming the container and blob.
/// </summary>
public sealed class PageBlobContainer
{
    private readonly BlobContainerClient _client;
    private readonly StorageCredentials _credentials;
    private readonly CloudOptions _options;
    private readonly BlobLocation _location;

    internal PageBlobContainer(BlobContainerClient client, StorageCredentials credentials, CloudOptions options)
    {
        _client = client;
        _credentials = credentials;
        _options = options;
        _location = BlobLocation.OfContainer(client.Uri, client.Name, credentials);
    }

    public string Name => _client.Name;

    /// <summary>The account's blob endpoint, without any query string.</summary>
    public string AccountEndpoint => _location.AccountEndpoint;

    /// <summary>False when the credentials are a SAS, which cannot create its container.</summary>
    public bool CanBeCreated => _credentials is not SasUrlCredentials;

    /// <summary>The one blob the credentials reach (a blob's SAS), or null when they reach every blob here.</summary>
    public string? OnlyBlob => _credentials.OnlyBlob;

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless Azure can keep a blob of this name (see
    /// <see cref="StorageNames"/>) and the credentials reach it. Sends no request.
    /// </summary>
    public void ValidateBlobName(string? blobName)
    {
        if (StorageNames.BlobNameProblem(blobName) is { } problem)
            throw new ArgumentException($"Invalid page blob '{StorageNames.Printable(blobName)}' in {_location}: {problem}.");
        if (OnlyBlob is { } only && !string.Equals(blobName, only, StringComparison.Ordinal))
            throw new ArgumentException(
                $"Invalid page blob '{blobName}' in {_location}: {_credentials} is for blob '{only}'.");
    }

    /// <summary>
    /// Lists every blob of the container (of every type, in name order) with its type and size. The container
    /// must exist: this call does not create it.
    /// </summary>
    /// <exception cref="CloudDestinationException">The container is missing, or the account refused.</exception>
    public async Task<IReadOnlyList<ContainerBlob>> ListBlobsAsync(CancellationToken cancellationToken = default)
    {
        using var activity = CloudTelemetry.Start("container.list", _location.Url);
        var blobs = new List<ContainerBlob>();
        try
        {
            await foreach (var item in _client.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var type = item.Properties.BlobType?.ToString().ToLowerInvariant() ?? "unknown";
                blobs.Add(new ContainerBlob(item.Name, type, item.Properties.ContentLength ?? 0));
            }
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, Errors(_location).Translate(e, "list the blobs of", sasPermissions: "list (l)"));
        }
        return blobs;
    }

    /// <summary>Creates the container unless it exists (a connection string is needed; a container SAS cannot).</summary>
    /// <returns>True when the container was created, false when it was there.</returns>
    /// <exception cref="ArgumentException">The credentials are a container SAS (see <see cref="CanBeCreated"/>).</exception>
    /// <exception cref="CloudDestinationException">The account refused or could not be reached.</exception>
    public async Task<bool> CreateIfMissingAsync(CancellationToken cancellationToken = default)
    {
        if (!CanBeCreated)
            throw new ArgumentException("a SAS URL cannot create its container; give a connection string");
        using var activity = CloudTelemetry.Start("container.create", _location.Url);
        try
        {
            var created = await _client.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return created is not null;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, Errors(_location).Translate(e, "create"));
        }
    }

    /// <summary>
    /// Creates the page blob at its final <paramref name="size"/> (every page reads as zeros). With a connection
    /// string the container is created when missing; with a container SAS it must exist. An existing blob is
    /// replaced only when <paramref name="overwrite"/> is true; otherwise the create fails with
    /// <see cref="CloudFailure.BlobAlreadyExists"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name or the size cannot work (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The storage account refused or could not be reached.</exception>
    public Task<AzurePageBlob> CreatePageBlobAsync(string blobName, long size, bool overwrite,
        CancellationToken cancellationToken = default) =>
        CreatePageBlobCoreAsync(blobName, size, overwrite, async: true, cancellationToken);

    /// <summary>
    /// The same as <see cref="CreatePageBlobAsync"/>, with the SDK's synchronous calls: for a FUSE thread, where a
    /// file created in a mount becomes a page blob.
    /// </summary>
    public AzurePageBlob CreatePageBlob(string blobName, long size, bool overwrite,
        CancellationToken cancellationToken = default) =>
        CreatePageBlobCoreAsync(blobName, size, overwrite, async: false, cancellationToken).EnsureCompleted();

    private async Task<AzurePageBlob> CreatePageBlobCoreAsync(string blobName, long size, bool overwrite, bool async,
        CancellationToken cancellationToken)
    {
        ValidateBlobName(blobName);
        PageBlobRules.ValidateBlobSize(size, blobName);
        var (blob, location) = Locate(blobName);
        var errors = Errors(location);
        using var activity = CloudTelemetry.Start("page_blob.create", location.Url);
        try
        {
            if (CanBeCreated && async)
                await _client.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            else if (CanBeCreated)
                _client.CreateIfNotExists(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, errors.Translate(e, "create the container of"));
        }

        var create = new PageBlobCreateOptions
        {
            // If-None-Match: * makes the service refuse to replace a blob that is already there.
            Conditions = overwrite ? null : new PageBlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            if (async) await blob.CreateAsync(size, create, cancellationToken).ConfigureAwait(false);
            else blob.Create(size, create, cancellationToken);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, errors.Translate(e, $"create a {size}-byte", createdIfNoneMatch: !overwrite));
        }
        return new AzurePageBlob(blob, size, location, errors, _options);
    }

    /// <summary>Opens a page blob that exists; its size is the blob's current length.</summary>
    /// <exception cref="ArgumentException">The name cannot be a blob's (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The blob is missing, not a page blob, or the account refused.</exception>
    public async Task<AzurePageBlob> OpenPageBlobAsync(string blobName, CancellationToken cancellationToken = default)
    {
        ValidateBlobName(blobName);
        var (blob, location) = Locate(blobName);
        var errors = Errors(location);
        using var activity = CloudTelemetry.Start("page_blob.open", location.Url);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, errors.Translate(e, "open"));
        }

        if (properties.BlobType != BlobType.Page)
            throw CloudTelemetry.Fail(activity, new CloudDestinationException(
                $"Could not open {location}: it is a {properties.BlobType.ToString().ToLowerInvariant()} blob, "
                + "not a page blob.", CloudFailure.NotAPageBlob, location.AccountEndpoint, location.Container,
                location.BlobName));
        return new AzurePageBlob(blob, properties.ContentLength, location, errors, _options);
    }

    /// <summary>
    /// The size of the blob of this name (of any type), or null when there is none: a look before a create, so a
    /// mistake is refused before any work starts. Needs read permission when the credentials are a SAS.
    /// </summary>
    /// <exception cref="ArgumentException">The name cannot be a blob's (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The container is missing (<see cref="CloudFailure.ContainerNotFound"/>),
    /// or the account refused or could not be reached.</exception>
    public async Task<long?> ExistingBlobSizeAsync(string blobName, CancellationToken cancellationToken = default)
    {
        ValidateBlobName(blobName);
        var (blob, location) = Locate(blobName);
        using var activity = CloudTelemetry.Start("blob.exists", location.Url);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            throw CloudTelemetry.Fail(activity, Errors(location).Translate(e, "look for", sasPermissions: "read (r)"));
        }
    }

    /// <summary>Deletes the page blob (with any snapshots); a blob already gone counts as deleted.</summary>
    /// <exception cref="ArgumentException">The name cannot be a blob's (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The account refused or could not be reached.</exception>
    public Task DeletePageBlobAsync(string blobName, CancellationToken cancellationToken = default)
    {
        ValidateBlobName(blobName);
        var (blob, location) = Locate(blobName);
        return AzurePageBlob.DeleteCoreAsync(blob, location, Errors(location), async: true, cancellationToken);
    }

    /// <summary>The same as <see cref="DeletePageBlobAsync"/>, with the SDK's synchronous call: for a FUSE thread.</summary>
    public void DeletePageBlob(string blobName, CancellationToken cancellationToken = default)
    {
        ValidateBlobName(blobName);
        var (blob, location) = Locate(blobName);
        AzurePageBlob.DeleteCoreAsync(blob, location, Errors(location), async: false, cancellationToken)
            .EnsureCompleted();
    }

    public override string ToString() => _location.ToString();

    private (PageBlobClient Blob, BlobLocation Location) Locate(string blobName)
    {
        var blob = _client.GetPageBlobClient(blobName);
        return (blob, BlobLocation.From(_client.Uri, blob.Uri, Name, blobName, _credentials));
    }

    private CloudErrors Errors(BlobLocation location) => new(location, _options);
}
