using Azure.Storage.Blobs;
using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>What a controller does in the tests: back up an image, start a restore, watch it to its end.</summary>
internal sealed class RestoreDriver(AgentsFixture agents)
{
    public async Task<CopyManifest> BackupAsync(string imagePath, string copyName, int blockSize = 1 << 20)
    {
        var writer = new BackupWriter(new SecondaryCopyStore(agents.StorePath));
        return await writer.BackupAsync(imagePath, copyName, new BackupOptions { BlockSize = blockSize }, null,
            CancellationToken.None);
    }

    /// <summary>
    /// Writes a raw image of <paramref name="size"/> non-zero bytes (seeded by the name, so each copy differs), lets
    /// <paramref name="shape"/> change it (e.g. clear a hole), and backs it up as copy <paramref name="name"/>.
    /// </summary>
    /// <returns>The image's path, to compare the restored disk with.</returns>
    public async Task<string> BackUpNonZeroAsync(string name, int size, Action<byte[]>? shape = null)
    {
        var image = Path.Combine(agents.WorkPath, $"{name}.raw");
        var bytes = TestBytes.NonZero(size, seed: name.Length);
        shape?.Invoke(bytes);
        await File.WriteAllBytesAsync(image, bytes);
        await BackupAsync(image, name);
        return image;
    }

    /// <summary>
    /// The one place tests build a restore request: from the fixture's media agent into restores/
    /// <paramref name="blobName"/> of its Azurite destination, unless the test names another media agent (a scripted
    /// one) or another destination (one whose endpoint is a fault proxy) that its data agent is configured with.
    /// </summary>
    public StartRestoreRequest Request(string copyName, string blobName, uint pageSize, ulong cacheSize,
        string mediaAgent = AgentsFixture.MediaAgentName, string destination = AgentsFixture.DestinationName) => new()
    {
        MediaAgent = mediaAgent,
        CopyName = copyName,
        Target = new RestoreTarget
        {
            Destination = destination,
            Container = "restores",
            BlobName = blobName,
        },
        PageSizeBytes = pageSize,
        CacheSizeBytes = cacheSize,
        VerifyMode = VerifyMode.Proof,
    };

    /// <param name="dataAgent">Another data agent than the fixture's.</param>
    public async Task<RestoreProgress> RestoreAsync(StartRestoreRequest request, Uri? dataAgent = null)
    {
        using var channel = agents.Pki.Channel(dataAgent ?? agents.DataAgentUrl, TestPki.Operator);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var started = await client.StartRestoreAsync(request);
        return await WatchAsync(client, started.JobId);
    }

    public static async Task<RestoreProgress> WatchAsync(Protocol.V1.DataAgent.DataAgentClient client, string jobId)
    {
        using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = jobId });
        RestoreProgress? last = null;
        await foreach (var progress in watch.ResponseStream.ReadAllAsync())
            last = progress;
        return last ?? throw new InvalidOperationException($"job {jobId} sent no progress");
    }

    public async Task<string> DownloadAsync(string blobName)
    {
        var path = Path.Combine(agents.WorkPath, $"{blobName}.downloaded");
        var blob = new BlobContainerClient(agents.Azurite.ConnectionString, "restores").GetBlobClient(blobName);
        await blob.DownloadToAsync(path);
        return path;
    }
}
