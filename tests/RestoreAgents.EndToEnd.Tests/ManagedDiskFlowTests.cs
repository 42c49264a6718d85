using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using RestoreAgents.Cli;
using RestoreAgents.Testing;
using RestoreAgents.Testing.FakeArm;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The whole managed-disk flow as an operator runs it: `restorectl restore --managed-disk ID --create` against
/// <see cref="FakeArmServer"/> for Resource Manager, whose disk's data path is an Azurite page blob made at the
/// uploadSizeBytes restorectl asked for and a SAS shaped as grant-access's (si=, no se= or sp=); the real agents
/// restore into it, and the disk ends revoked, equal to the source.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class ManagedDiskFlowTests(AgentsFixture agents) : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private const string DiskId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/restores/"
        + "providers/Microsoft.Compute/disks/vm02-os";
    private readonly RestoreDriver _driver = new(agents);
    private FakeArmServer _arm = null!;

    public async Task InitializeAsync() => _arm = await FakeArmServer.StartAsync();

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task RestorectlWithCreate_MakesGrantsRestoresRevokes_AndTheDiskEqualsTheSource()
    {
        var image = Path.Combine(agents.WorkPath, "md-flow.raw");
        await TestDiskImage.CreateAsync(image, 22 * MiB + 4096, seed: 51, dataFraction: 0.5);
        var copy = await _driver.BackupAsync(image, "md-flow", blockSize: 64 * 1024);
        var container = new BlobContainerClient(agents.Azurite.ConnectionString, "md-flow");
        var disk = container.GetPageBlobClient("abcd");
        _arm.OnCreate = async uploadBytes =>
        {
            await container.CreateIfNotExistsAsync();
            await disk.CreateAsync(uploadBytes);
            _arm.AccessSas = await GrantAccessShapedSasAsync(container, disk.Name);
        };

        var (exitCode, output, error) = await RestorectlAsync("restore", "--data-agent", agents.DataAgentUrl.ToString(),
            "--media-agent", AgentsFixture.MediaAgentName, "--copy", "md-flow",
            "--destination", AgentsFixture.ManagedDiskDestinationName, "--page-size", "1MiB", "--cache-size", "4MiB",
            "--managed-disk", DiskId, "--create", "--disk-size", copy.DiskSize.ToString(), "--location", "westeurope");

        Assert.True(exitCode == ExitCodes.Success, output + error);
        Assert.Equal(["PUT", "GET", "POST beginGetAccess", "POST endGetAccess"], _arm.Requests
            .Where(r => !r.Path.StartsWith("/operations/", StringComparison.Ordinal))
            .Select(r => r.Method == "POST" ? $"POST {r.Path[(r.Path.LastIndexOf('/') + 1)..]}" : r.Method));
        Assert.Equal("Unattached", _arm.StateOf(DiskId));
        Assert.Equal(23 * MiB + 512, (await disk.GetPropertiesAsync()).Value.ContentLength);
        var downloaded = Path.Combine(agents.WorkPath, "md-flow.vhd");
        await disk.DownloadToAsync(downloaded);
        var compare = await QemuImg.CompareAsync(image, downloaded, "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
        Assert.DoesNotContain("sig=", output + error);
    }

    /// <summary>sr=b and si= naming a stored access policy that holds the permissions and the expiry.</summary>
    private async Task<string> GrantAccessShapedSasAsync(BlobContainerClient container, string blob)
    {
        await container.SetAccessPolicyAsync(permissions:
        [
            new BlobSignedIdentifier
            {
                Id = "grant",
                AccessPolicy = new BlobAccessPolicy { PolicyExpiresOn = DateTimeOffset.UtcNow.AddDays(1), Permissions = "rw" },
            },
        ]);
        var sas = new BlobSasBuilder { BlobContainerName = container.Name, BlobName = blob, Resource = "b", Identifier = "grant" }
            .ToSasQueryParameters(new Azure.Storage.StorageSharedKeyCredential(AzuriteFixture.AccountName,
                AzuriteFixture.AccountKey));
        return $"{agents.Azurite.BlobEndpoint}/{container.Name}/{blob}?{sas}";
    }

    private async Task<(int ExitCode, string Output, string Error)> RestorectlAsync(params string[] args)
    {
        var files = agents.Pki.Files(TestPki.Operator);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, interactive: false, _ => null)
        {
            ResourceManager = _arm.CreateClient,
        };
        var exitCode = await Restorectl.RunAsync([.. args, "--cert", files.CertificateFile, "--key", files.KeyFile,
            "--ca", files.TrustedCaFile], environment);
        return (exitCode, output.ToString(), error.ToString());
    }
}
