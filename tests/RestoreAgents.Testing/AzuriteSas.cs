using Azure.Storage;
using Azure.Storage.Sas;

namespace RestoreAgents.Testing;

/// <summary>Container and blob SAS URLs signed with Azurite's well-known development key, and their secret part.</summary>
public static class AzuriteSas
{
    /// <param name="blobEndpoint">The account's blob endpoint, e.g. <see cref="AzuriteFixture.BlobEndpoint"/>.</param>
    public static string ContainerSasUrl(string blobEndpoint, string container, BlobContainerSasPermissions permissions)
    {
        var sas = new BlobSasBuilder
        {
            BlobContainerName = container,
            Resource = "c",
            ExpiresOn = DateTimeOffset.UtcNow.AddHours(1),
        };
        sas.SetPermissions(permissions);
        var query = sas.ToSasQueryParameters(
            new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey));
        return $"{blobEndpoint}/{container}?{query}";
    }

    /// <summary>A SAS URL of one blob, as grant-access hands out for a managed disk (but with sp= and se=).</summary>
    public static string BlobSasUrl(string blobEndpoint, string container, string blob, BlobSasPermissions permissions,
        DateTimeOffset expiresOn)
    {
        var sas = new BlobSasBuilder
        {
            BlobContainerName = container,
            BlobName = blob,
            Resource = "b",
            ExpiresOn = expiresOn,
        };
        sas.SetPermissions(permissions);
        var query = sas.ToSasQueryParameters(
            new StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey));
        return $"{blobEndpoint}/{container}/{blob}?{query}";
    }

    /// <summary>The signature (sig=) of a SAS URL: what no message may ever quote.</summary>
    public static string SignatureOf(string sasUrl) =>
        Uri.UnescapeDataString(new Uri(sasUrl).Query.TrimStart('?').Split('&')
            .Single(p => p.StartsWith("sig=", StringComparison.Ordinal))["sig=".Length..]);
}
