using RestoreAgents.Cloud;

namespace RestoreAgents.DataAgent.Destinations;

/// <summary>
/// A configured destination: one long-lived <see cref="StorageAccountClient"/> holding the account's credential
/// (none for SasOnly), and the hosts a request's SAS URL may name instead. Hands a job the container it restores
/// into; no request ever makes it dial a host its configuration does not name.
/// </summary>
internal sealed class StorageDestination
{
    private readonly StorageAccountClient? _account;
    private readonly IReadOnlyList<SasHostPattern> _sasHosts;
    private readonly CloudOptions _cloud;

    public StorageDestination(string name, StorageAccountClient? account, IReadOnlyList<SasHostPattern> sasHosts,
        bool allowPlaintext, CloudOptions cloud)
    {
        Name = name;
        _account = account;
        _sasHosts = sasHosts;
        AllowPlaintext = allowPlaintext;
        _cloud = cloud;
    }

    public string Name { get; }

    /// <summary>The account's endpoint (without any query), or null for a SasOnly destination.</summary>
    public string? AccountEndpoint => _account?.AccountEndpoint;

    public bool AllowPlaintext { get; }

    public DestinationKind Kind { get; init; }

    public IReadOnlyList<SasHostPattern> SasHosts => _sasHosts;

    /// <summary>
    /// The container a restore writes into, with the blob name checked: through the destination's own account,
    /// or, when <paramref name="sasUrl"/> is given, through that SAS (an https URL of an allowed host, for this
    /// container or blob). No request is sent.
    /// </summary>
    /// <returns>The container and the blob name (taken from a blob's SAS when the request left it empty).</returns>
    /// <exception cref="ArgumentException">Something in the request cannot be used; the SAS is never quoted.</exception>
    public (PageBlobContainer Container, string BlobName) Open(string? container, string? blobName, string? sasUrl)
    {
        // The request's names are checked first, whatever the credential: a bad one fails before anything else.
        if (!string.IsNullOrEmpty(container)) StorageNames.ValidateContainerName(container);
        if (!string.IsNullOrEmpty(blobName)) StorageNames.ValidateBlobName(blobName);

        PageBlobContainer opened;
        if (string.IsNullOrWhiteSpace(sasUrl))
        {
            if (_account is null)
                throw new ArgumentException($"destination '{Name}' has no credential of its own (SasOnly): "
                    + "the request must bring a SAS URL");
            opened = _account.GetContainer(container);
        }
        else
        {
            opened = ThroughSas(sasUrl).GetContainer(container);
            if (Kind == DestinationKind.ManagedDisk && opened.OnlyBlob is null)
                throw new ArgumentException($"destination '{Name}' is a managed disk: the request's SAS URL must be "
                    + "the disk's own (one blob, as grant-access hands out), not a container's");
        }
        var blob = string.IsNullOrEmpty(blobName) ? opened.OnlyBlob ?? "" : blobName;
        opened.ValidateBlobName(blob);
        return (opened, blob);
    }

    private StorageAccountClient ThroughSas(string sasUrl)
    {
        if (_sasHosts.Count == 0)
            throw new ArgumentException($"destination '{Name}' takes no SAS URL (it allows no SAS hosts)");
        var sas = new SasUrlCredentials(sasUrl);
        if (!sas.IsHttps && !AllowPlaintext)
            throw new ArgumentException($"the SAS URL for destination '{Name}' is not https: a SAS travels only over TLS");
        if (!_sasHosts.Any(pattern => pattern.Matches(sas.Host)))
            throw new ArgumentException($"the SAS URL's host '{sas.Host}' is not one destination '{Name}' allows "
                + "(DataAgent:Destinations:" + Name + ":AllowedSasHosts)");
        // The job's own client: it holds the SAS only while the job runs.
        return new StorageAccountClient(sas, _cloud);
    }

    public override string ToString() => Kind == DestinationKind.ManagedDisk
        ? $"destination '{Name}' (managed disks by their SAS URLs)"
        : AccountEndpoint is { } endpoint
        ? $"destination '{Name}' ({endpoint})"
        : $"destination '{Name}' (SAS URLs only)";
}
