using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Caching;

namespace RestoreAgents.Cloud;

/// <summary>
/// Creates or opens the page blob of a restore and hands it out as an <see cref="AzurePageBlob"/>; lists
/// the blobs of a container (the page blobs a mount shows as files).
/// </summary>
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
    public static Task<AzurePageBlob> CreateAsync(PageBlobDestination destination, long size,
        bool overwrite, CloudOptions options, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(destination, size, overwrite, options, async: true, cancellationToken);

    /// <summary>
    /// The same as <see cref="CreateAsync"/>, with the SDK's synchronous calls: for a FUSE thread, where a file
    /// created in a mount becomes a page blob.
    /// </summary>
    public static AzurePageBlob Create(PageBlobDestination destination, long size, bool overwrite,
        CloudOptions options, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(destination, size, overwrite, options, async: false, cancellationToken).EnsureCompleted();

    private static async Task<AzurePageBlob> CreateCoreAsync(PageBlobDestination destination, long size,
        bool overwrite, CloudOptions options, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        destination.Validate();
        options.Validate();
        if (size <= 0 || size % AzurePageBlob.PageBytes != 0 || size > MaxBlobSize)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"size {size} of page blob '{destination.BlobName}' is not a positive multiple of "
                + $"{AzurePageBlob.PageBytes} bytes of at most {MaxBlobSize} (8 TiB)");

        var (container, blob, location) = Connect(destination, options);
        var errors = new CloudErrors(location, options);
        using var activity = CloudTelemetry.Start("page_blob.create", location.Url);
        try
        {
            if (destination.UsesContainerSas)
            {
                // a container SAS cannot create its container: it must exist
            }
            else if (async)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                container.CreateIfNotExists(cancellationToken: cancellationToken);
            }
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
            if (async) await blob.CreateAsync(size, create, cancellationToken).ConfigureAwait(false);
            else blob.Create(size, create, cancellationToken);
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw errors.Translate(e, $"create a {size}-byte", createdIfNoneMatch: !overwrite);
        }
        return new AzurePageBlob(blob, size, location, options);
    }

    /// <summary>Opens a page blob that exists; its size is the blob's current length.</summary>
    /// <exception cref="ArgumentException">The destination or the options cannot work (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The blob is missing, not a page blob, or the account refused.</exception>
    public static async Task<AzurePageBlob> OpenAsync(PageBlobDestination destination,
        CloudOptions options, CancellationToken cancellationToken = default)
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
        return new AzurePageBlob(blob, properties.ContentLength, location, options);
    }

    /// <summary>
    /// Lists every blob of the container (of every type, in name order) with its type and size. The container
    /// must exist: this call does not create it.
    /// </summary>
    /// <param name="container">The container; its <see cref="PageBlobDestination.BlobName"/> is not used.</param>
    /// <exception cref="ArgumentException">The container or the options cannot work (no request sent).</exception>
    /// <exception cref="CloudDestinationException">The container is missing, or the account refused.</exception>
    public static async Task<IReadOnlyList<ContainerBlob>> ListBlobsAsync(PageBlobDestination container,
        CloudOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        container.ValidateContainer();
        options.Validate();

        var client = ContainerClient(container, options);
        var location = BlobLocation.OfContainer(client.Uri, client.Name, container.UsesContainerSas);
        using var activity = CloudTelemetry.Start("container.list", location.Url);
        var blobs = new List<ContainerBlob>();
        try
        {
            await foreach (var item in client.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var type = item.Properties.BlobType?.ToString().ToLowerInvariant() ?? "unknown";
                blobs.Add(new ContainerBlob(item.Name, type, item.Properties.ContentLength ?? 0));
            }
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw new CloudErrors(location, options).Translate(e, "list the blobs of", sasPermissions: "list (l)");
        }
        return blobs;
    }

    /// <summary>Creates the container unless it exists (a connection string is needed; a container SAS cannot).</summary>
    /// <param name="container">The container; its <see cref="PageBlobDestination.BlobName"/> is not used.</param>
    /// <returns>True when the container was created, false when it was there.</returns>
    /// <exception cref="ArgumentException">The container or the options cannot work, or it is a SAS URL.</exception>
    /// <exception cref="CloudDestinationException">The account refused or could not be reached.</exception>
    public static async Task<bool> CreateContainerIfMissingAsync(PageBlobDestination container,
        CloudOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        container.ValidateContainer();
        options.Validate();
        if (container.UsesContainerSas)
            throw new ArgumentException("a container SAS URL cannot create its container; give a connection string");

        var client = ContainerClient(container, options);
        var location = BlobLocation.OfContainer(client.Uri, client.Name, usesContainerSas: false);
        using var activity = CloudTelemetry.Start("container.create", location.Url);
        try
        {
            var created = await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return created is not null;
        }
        catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
        {
            CloudTelemetry.Fail(activity, e);
            throw new CloudErrors(location, options).Translate(e, "create");
        }
    }

    private static BlobContainerClient ContainerClient(PageBlobDestination destination, CloudOptions options)
    {
        var clientOptions = options.ToClientOptions();
        return destination.UsesContainerSas
            ? new BlobContainerClient(destination.ContainerSasUri(), clientOptions)
            : new BlobContainerClient(destination.ConnectionString, destination.Container, clientOptions);
    }

    private static (BlobContainerClient Container, PageBlobClient Blob, BlobLocation Location) Connect(
        PageBlobDestination destination, CloudOptions options)
    {
        var container = ContainerClient(destination, options);
        var blob = container.GetPageBlobClient(destination.BlobName);
        var location = BlobLocation.From(container.Uri, blob.Uri, container.Name, destination.BlobName,
            destination.UsesContainerSas);
        return (container, blob, location);
    }
}
