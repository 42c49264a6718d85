using System.Security.Cryptography;
using RestoreAgents.Cloud;
using RestoreAgents.DataAgent.Verification;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The read-back check on real Azurite: it reads only the written pages and hashes the holes as zeros, so it must
/// still catch a page that is missing, wrong, or written where the disk has zeros.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class BlobVerifierTests(AgentsFixture agents)
{
    private const int MiB = 1024 * 1024;
    private const long DiskSize = 20L * MiB + 4096; // data pieces across several 4 MiB reads, and a tail

    private async Task<(AzurePageBlob Blob, byte[] Disk)> RestoredAsync()
    {
        var disk = new byte[DiskSize];
        var random = new Random(71);
        random.NextBytes(disk.AsSpan(MiB, 9 * MiB));             // data over several reads
        random.NextBytes(disk.AsSpan(15 * MiB, MiB / 2));         // an island between holes
        random.NextBytes(disk.AsSpan((int)DiskSize - 4096, 4096)); // the last sector run
        var container = new StorageAccountClient(new ConnectionStringCredentials(agents.Azurite.ConnectionString),
            new CloudOptions()).GetContainer("verify");
        var blob = await container.CreatePageBlobAsync($"v-{Guid.NewGuid():N}.vhd", DiskSize, overwrite: false);
        foreach (var (offset, length) in new (int, int)[] { (MiB, 4 * MiB), (5 * MiB, 4 * MiB), (9 * MiB, MiB),
                     (15 * MiB, MiB / 2), ((int)DiskSize - 4096, 4096) })
            await blob.WritePagesAsync(offset, disk.AsMemory(offset, length));
        return (blob, disk);
    }

    private static string Sha256(byte[] disk) => Convert.ToHexStringLower(SHA256.HashData(disk));

    [Fact]
    public async Task Verify_AWholeDisk_Passes()
    {
        var (blob, disk) = await RestoredAsync();

        await BlobVerifier.VerifyAsync(blob, DiskSize, Sha256(disk), CancellationToken.None);
    }

    [Fact]
    public async Task Verify_APageMissing_Fails()
    {
        var (blob, disk) = await RestoredAsync();
        await blob.ClearPagesAsync(15 * MiB, MiB / 2);

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            BlobVerifier.VerifyAsync(blob, DiskSize, Sha256(disk), CancellationToken.None));
    }

    [Fact]
    public async Task Verify_DataWhereTheDiskHasZeros_Fails()
    {
        var (blob, disk) = await RestoredAsync();
        await blob.WritePagesAsync(12 * MiB, new byte[512].Select((_, i) => (byte)(i | 1)).ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            BlobVerifier.VerifyAsync(blob, DiskSize, Sha256(disk), CancellationToken.None));
        Assert.Contains(blob.Name, error.Message);
    }

    [Fact]
    public async Task Verify_OneByteWrongInAWrittenPage_Fails()
    {
        var (blob, disk) = await RestoredAsync();
        var sector = disk.AsSpan(7 * MiB, 512).ToArray();
        sector[100] ^= 0x40;
        await blob.WritePagesAsync(7 * MiB, sector);

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            BlobVerifier.VerifyAsync(blob, DiskSize, Sha256(disk), CancellationToken.None));
    }
}
