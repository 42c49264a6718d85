using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud.ManagedDisks;

/// <summary>
/// What a blob SAS URL's query says it grants, without its signature: the permissions (sp=) and expiry (se=) when
/// the URL carries them, or the stored access policy (si=) that holds them instead, as Azure's grant-access SAS for a
/// managed disk does.
/// </summary>
public sealed class BlobSasGrant
{
    private BlobSasGrant(string? permissions, DateTimeOffset? expiresOn, string? policy, string resource)
    {
        Permissions = permissions;
        ExpiresOn = expiresOn;
        Policy = policy;
        Resource = resource;
    }

    /// <summary>The sp= letters (e.g. "rw"), or null when a stored access policy holds them.</summary>
    public string? Permissions { get; }

    /// <summary>The se= time, or null when a stored access policy holds it.</summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>The si= stored access policy's id, or null.</summary>
    public string? Policy { get; }

    /// <summary>The sr= resource: "b" for one blob, "c" for a container.</summary>
    public string Resource { get; }

    public bool IsForOneBlob => Resource == "b";

    /// <summary>True when sp= is given and lacks <paramref name="permission"/>; false when it has it or is absent.</summary>
    public bool Lacks(char permission) => Permissions is { } letters && !letters.Contains(permission);

    /// <exception cref="ArgumentException">Not an absolute URL with a SAS (the signature is never quoted).</exception>
    public static BlobSasGrant Of(string sasUrl)
    {
        if (!Uri.TryCreate(sasUrl, UriKind.Absolute, out var uri))
            throw new ArgumentException("the SAS URL is not an absolute URL");
        var sas = new BlobUriBuilder(uri).Sas;
        if (sas is null || string.IsNullOrEmpty(sas.Signature))
            throw new ArgumentException($"the SAS URL {StorageCredentials.WithoutQuery(uri)} carries no signature");
        var permissions = string.IsNullOrEmpty(sas.Permissions) ? null : sas.Permissions;
        DateTimeOffset? expires = sas.ExpiresOn == default ? null : sas.ExpiresOn;
        return new BlobSasGrant(permissions, expires, string.IsNullOrEmpty(sas.Identifier) ? null : sas.Identifier,
            sas.Resource ?? "");
    }
}
