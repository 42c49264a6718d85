using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Grpc.Core;
using RestoreAgents.Cloud.ManagedDisks;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A destination of Kind ManagedDisk, with Azurite standing in for a managed disk's data path: a page blob made
/// beforehand at the disk's size (as Azure makes a disk for upload) and a SAS of that one blob. The restore writes
/// into it without creating or resizing it; a blob of the wrong size, an expired or short-lived SAS and a SAS
/// without write are refused by StartRestore itself, and the blob is left exactly as it was.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class ManagedDiskTests(AgentsFixture agents)
{
    private const long MiB = 1024 * 1024;
    private const string Container = "disks";
    // What Azure names every managed disk's blob.
    private const string BlobName = "abcd";
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task Restore_IntoAManagedDiskOfTheRightSize_WritesItInPlace_AndEqualsTheSource()
    {
        var (image, copy) = await BackUpAsync("md-right", 24 * MiB + 4096, seed: 41);
        var disk = await MakeDiskAsync("md-right", ManagedDiskRules.UploadBytesFor(copy.DiskSize));
        var created = (await disk.GetPropertiesAsync()).Value;

        var result = await _driver.RestoreAsync(Request("md-right", SasOf(disk, BlobSasPermissions.Read
            | BlobSasPermissions.Write, TimeSpan.FromHours(1))));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        var after = (await disk.GetPropertiesAsync()).Value;
        // Put Blob would have replaced it: a new creation time and no metadata. Put Page keeps both.
        Assert.Equal(created.CreatedOn, after.CreatedOn);
        Assert.Equal("before-the-restore", after.Metadata["marker"]);
        Assert.Equal(created.ContentLength, after.ContentLength);
        // Zero pages stay unwritten: the disk's page ranges are the 1 MiB pages holding data, and the footer.
        var pagesWithData = copy.Blocks.Select(b => b.Index * copy.BlockSize / MiB).Distinct().Count();
        Assert.True(pagesWithData < 25, "the test disk should have pages of zeros");
        Assert.Equal(pagesWithData * MiB + 512, await WrittenBytesAsync(disk));
        var downloaded = Path.Combine(agents.WorkPath, "md-right.vhd");
        await disk.DownloadToAsync(downloaded);
        var compare = await QemuImg.CompareAsync(image, downloaded, "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Theory]
    [InlineData(+1)]
    [InlineData(-1)]
    public async Task StartRestore_IntoADiskOfAnotherSize_IsRefusedNamingBothSizes_AndWritesNothing(int mebibytes)
    {
        var name = $"md-size{mebibytes}";
        var (_, copy) = await BackUpAsync(name, 21 * MiB, seed: 42);
        var needed = ManagedDiskRules.UploadBytesFor(copy.DiskSize);
        var disk = await MakeDiskAsync(name, needed + mebibytes * MiB);

        var refused = await RefusedAsync(disk, Request(name, SasOf(disk, BlobSasPermissions.Read
            | BlobSasPermissions.Write, TimeSpan.FromHours(1))));

        Assert.Contains($"{needed + mebibytes * MiB} bytes", refused.Status.Detail);
        Assert.Contains($"exactly {needed}", refused.Status.Detail);
    }

    [Theory]
    [InlineData(-5, "expired")]
    [InlineData(5, "must last at least")]
    public async Task StartRestore_WithASasThatDoesNotOutlastTheUpload_IsRefused_AndWritesNothing(int minutes,
        string expected)
    {
        var name = $"md-sas{minutes}";
        var (_, copy) = await BackUpAsync(name, 21 * MiB, seed: 43);
        var disk = await MakeDiskAsync(name, ManagedDiskRules.UploadBytesFor(copy.DiskSize));

        var refused = await RefusedAsync(disk, Request(name, SasOf(disk, BlobSasPermissions.Read
            | BlobSasPermissions.Write, TimeSpan.FromMinutes(minutes))));

        Assert.Contains(expected, refused.Status.Detail);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(120, true)]
    public async Task Restore_WithAGrantAccessShapedSas_ChecksTheExpiryTheControllerStates(int minutes, bool accepted)
    {
        var name = $"md-stated{minutes}";
        var (_, copy) = await BackUpAsync(name, 21 * MiB, seed: 44);
        var disk = await MakeDiskAsync(name, ManagedDiskRules.UploadBytesFor(copy.DiskSize));
        var request = Request(name, await StoredPolicySasOfAsync(disk));
        // Such a SAS (si=, no se= or sp=) hides its expiry in the stored policy: the controller states it.
        request.Target.SasExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(
            DateTimeOffset.UtcNow.AddMinutes(minutes));

        if (accepted)
        {
            var result = await _driver.RestoreAsync(request);
            Assert.True(result.State == RestoreState.Completed, result.Error);
        }
        else
        {
            var refused = await RefusedAsync(disk, request);
            Assert.Contains("must last at least", refused.Status.Detail);
        }
    }

    [Fact]
    public async Task StartRestore_WithASasWithoutWrite_IsRefused_AndWritesNothing()
    {
        var (_, copy) = await BackUpAsync("md-readonly", 21 * MiB, seed: 45);
        var disk = await MakeDiskAsync("md-readonly", ManagedDiskRules.UploadBytesFor(copy.DiskSize));

        var refused = await RefusedAsync(disk, Request("md-readonly", SasOf(disk, BlobSasPermissions.Read,
            TimeSpan.FromHours(1))));

        Assert.Contains("without write (w)", refused.Status.Detail);
    }

    [Fact]
    public async Task StartRestore_IntoAManagedDiskWithAContainerSas_IsRefused()
    {
        var (_, copy) = await BackUpAsync("md-container", 21 * MiB, seed: 46);
        var disk = await MakeDiskAsync("md-container", ManagedDiskRules.UploadBytesFor(copy.DiskSize));
        var containerSas = AzuriteSas.ContainerSasUrl(agents.Azurite.BlobEndpoint, Container,
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write);
        var request = Request("md-container", containerSas);
        request.Target.BlobName = disk.Name;

        var refused = await RefusedAsync(disk, request, StatusCode.InvalidArgument);

        Assert.Contains("not a container's", refused.Status.Detail);
    }

    private async Task<(string Image, Store.CopyManifest Copy)> BackUpAsync(string name, long size, int seed)
    {
        var image = Path.Combine(agents.WorkPath, $"{name}.raw");
        await TestDiskImage.CreateAsync(image, size, seed, dataFraction: 0.5);
        return (image, await _driver.BackupAsync(image, name, blockSize: 64 * 1024));
    }

    /// <summary>What Azure's create-for-upload leaves: an empty page blob of the size asked, here with a marker.</summary>
    private async Task<PageBlobClient> MakeDiskAsync(string name, long size)
    {
        var container = new BlobContainerClient(agents.Azurite.ConnectionString, $"{Container}-{name}");
        await container.CreateIfNotExistsAsync();
        var disk = container.GetPageBlobClient(BlobName);
        await disk.CreateAsync(size, new PageBlobCreateOptions
        {
            Metadata = new Dictionary<string, string> { ["marker"] = "before-the-restore" },
        });
        return disk;
    }

    private string SasOf(PageBlobClient disk, BlobSasPermissions permissions, TimeSpan lifetime) =>
        AzuriteSas.BlobSasUrl(agents.Azurite.BlobEndpoint, disk.BlobContainerName, disk.Name, permissions,
            DateTimeOffset.UtcNow + lifetime);

    /// <summary>
    /// A SAS shaped as grant-access hands one out: sr=b and si= naming a stored access policy of the container that
    /// holds the permissions and the expiry, so the URL carries neither sp= nor se=.
    /// </summary>
    private async Task<string> StoredPolicySasOfAsync(PageBlobClient disk)
    {
        var container = new BlobContainerClient(agents.Azurite.ConnectionString, disk.BlobContainerName);
        await container.SetAccessPolicyAsync(permissions:
        [
            new BlobSignedIdentifier
            {
                Id = "grant",
                AccessPolicy = new BlobAccessPolicy { PolicyExpiresOn = DateTimeOffset.UtcNow.AddHours(3), Permissions = "rw" },
            },
        ]);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = disk.BlobContainerName,
            BlobName = disk.Name,
            Resource = "b",
            Identifier = "grant",
        }.ToSasQueryParameters(new Azure.Storage.StorageSharedKeyCredential(AzuriteFixture.AccountName,
            AzuriteFixture.AccountKey));
        Assert.DoesNotContain("se=", sas.ToString());
        return $"{agents.Azurite.BlobEndpoint}/{disk.BlobContainerName}/{disk.Name}?{sas}";
    }

    private StartRestoreRequest Request(string copyName, string sasUrl)
    {
        var request = _driver.Request(copyName, "", (uint)MiB, 4 * (ulong)MiB,
            destination: AgentsFixture.ManagedDiskDestinationName);
        request.Target.Container = "";
        request.Target.SasUrl = sasUrl;
        return request;
    }

    /// <summary>StartRestore's refusal, after which the disk must be exactly as made: same ETag, no pages.</summary>
    private async Task<RpcException> RefusedAsync(PageBlobClient disk, StartRestoreRequest request,
        StatusCode status = StatusCode.FailedPrecondition)
    {
        var before = (await disk.GetPropertiesAsync()).Value;
        var refused = await Assert.ThrowsAsync<RpcException>(() => _driver.RestoreAsync(request));
        Assert.True(refused.StatusCode == status, refused.Status.ToString());
        Assert.DoesNotContain(AzuriteSas.SignatureOf(request.Target.SasUrl), refused.Status.Detail);
        var after = (await disk.GetPropertiesAsync()).Value;
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.ContentLength, after.ContentLength);
        Assert.Equal(0, await WrittenBytesAsync(disk));
        return refused;
    }

    private static async Task<long> WrittenBytesAsync(PageBlobClient disk)
    {
        long bytes = 0;
        await foreach (var range in disk.GetAllPageRangesAsync())
            if (!range.IsClear) bytes += range.Range.Length ?? 0;
        return bytes;
    }
}
