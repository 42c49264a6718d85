using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RestoreAgents.Cloud;

/// <summary>Creates or opens the page blob of a restore and hands it out as an <see cref="AzurePageBlobStore"/>.</summary>
public static class PageBlobStoreFactory
{
    /// <summary>The largest page blob Azure Storage holds: 8 TiB.</summary>
    public const long MaxBlobSize = 8L * 1024 * 1024 * 1024 * 1024;

    /// <summary>
    /// Creates the page blob at its final <paramref name="size"/> (every page reads as zeros). With a connection
    /// string the container is created when missing; with a container SAS it must exist. An existing blob is
    /// replaced only when <paramref name="overwrite"/> is true; otherwise the create fails with
    /// <see cref="CloudFailure.BlobAlreadyExists"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The destination, the options or the size cannot work (no request sent).
    /// </exception>
    /// <exception cref="CloudDestinationException">The storage account refused or could not be reached.</exception>
    public static async Task<AzurePageBlobStore> CreateAsync(PageBlobDestination destination, long size,
        bool overwrite, PageBlobStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        destination.Validate();
        options.Validate();
        if (size <= 0 || size % AzurePageBlobStore.PageBytes != 0 || size > MaxBlobSize)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"size {size} of page blob '{destination.BlobName}' is not a positive multiple of "
                + $"{AzurePageBlobStore.PageBytes} bytes of at most {MaxBlobSize} (8 TiB)");

        var (container, blob, location) = Connect(destination, options);
        var errors = new CloudErrors(location, options);
        using var activity = CloudTelemetry.Start("page_blob.create", location.Url);
        try
        {
            if (!destination.UsesContainerSas)
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw errors.Translate(e, "create the container of");
        }

        var create = new PageBlobCreateOptions
        {
            // If-None-Match: * makes the service refuse to replace a blob that is already there.
            Conditions = overwrite ? null : new PageBlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await blob.CreateAsync(size, create, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw errors.Translate(e, $"create a {size}-byte", createdIfNoneMatch: !overwrite);
        }
        return new AzurePageBlobStore(blob, size, location, options);
    }

    /// <summary>Opens a page blob that exists; its size is the blob's current length.</summary>
    /// <exception cref="ArgumentException">The destination or the options cannot work (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The blob is missing, not a page blob, or the account refused.</exception>
    public static async Task<AzurePageBlobStore> OpenAsync(PageBlobDestination destination,
        PageBlobStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        destination.Validate();
        options.Validate();

        var (_, blob, location) = Connect(destination, options);
        using var activity = CloudTelemetry.Start("page_blob.open", location.Url);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw new CloudErrors(location, options).Translate(e, "open");
        }

        if (properties.BlobType != BlobType.Page)
            throw new CloudDestinationException(
                $"Could not open {location}: it is a {properties.BlobType.ToString().ToLowerInvariant()} blob, "
                + "not a page blob.", CloudFailure.NotAPageBlob, location.AccountEndpoint, location.Container,
                location.BlobName);
        return new AzurePageBlobStore(blob, properties.ContentLength, location, options);
    }

    /// <summary>The page blobs of the destination's container (its blob name is not used), by name.</summary>
    /// <exception cref="CloudDestinationException">The container is missing or the account refused.</exception>
    public static async Task<IReadOnlyList<PageBlobListing>> ListAsync(PageBlobDestination destination,
        PageBlobStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        destination.ValidateContainer();
        options.Validate();
        var (container, location) = ConnectContainer(destination, options);
        using var activity = CloudTelemetry.Start("page_blob.list", location.Url);
        var blobs = new List<PageBlobListing>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                if (item.Properties.BlobType == BlobType.Page)
                    blobs.Add(new PageBlobListing(item.Name, item.Properties.ContentLength ?? 0));
            }
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw new CloudErrors(location, options).Translate(e, "list the blobs of");
        }
        return blobs;
    }

    /// <summary>Deletes the page blob; true when it was there.</summary>
    public static async Task<bool> DeleteAsync(PageBlobDestination destination, PageBlobStoreOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        destination.Validate();
        options.Validate();
        var (_, blob, location) = Connect(destination, options);
        using var activity = CloudTelemetry.Start("page_blob.delete", location.Url);
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw new CloudErrors(location, options).Translate(e, "delete");
        }
    }

    private static (BlobContainerClient Container, BlobLocation Location) ConnectContainer(
        PageBlobDestination destination, PageBlobStoreOptions options)
    {
        var clientOptions = options.ToClientOptions();
        var container = destination.UsesContainerSas
            ? new BlobContainerClient(destination.ContainerSasUri(), clientOptions)
            : new BlobContainerClient(destination.ConnectionString, destination.Container, clientOptions);
        return (container, BlobLocation.From(container.Uri, container.Uri, container.Name, "",
            destination.UsesContainerSas));
    }

    private static (BlobContainerClient Container, PageBlobClient Blob, BlobLocation Location) Connect(
        PageBlobDestination destination, PageBlobStoreOptions options)
    {
        var (container, _) = ConnectContainer(destination, options);
        var blob = container.GetPageBlobClient(destination.BlobName);
        var location = BlobLocation.From(container.Uri, blob.Uri, container.Name, destination.BlobName,
            destination.UsesContainerSas);
        return (container, blob, location);
    }
}
