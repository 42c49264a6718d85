using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>Bad requests get a clear error naming what is wrong, and the data agent keeps serving.</summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class BadInputTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    private async Task<RpcException> StartFailsAsync(StartRestoreRequest request)
    {
        using var channel = agents.DataAgentChannel();
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        return await Assert.ThrowsAsync<RpcException>(async () => await client.StartRestoreAsync(request));
    }

    private async Task AssertDataAgentStillServesAsync()
    {
        using var channel = agents.DataAgentChannel();
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await new Protocol.V1.DataAgent.DataAgentClient(channel).ListRestoresAsync(new ListRestoresRequest());
    }

    [Fact]
    public async Task StartRestore_UnknownCopy_FailsWithNotFoundNamingTheCopy()
    {
        var error = await StartFailsAsync(_driver.Request("no-such-copy", "x.vhd", MiB, 4 * MiB));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no-such-copy", error.Status.Detail);
        await AssertDataAgentStillServesAsync();
    }

    [Fact]
    public async Task StartRestore_PageSize1000_FailsWithInvalidArgumentNamingTheSize()
    {
        var error = await StartFailsAsync(_driver.Request("anything", "x.vhd", 1000, 4 * MiB));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("1000", error.Status.Detail);
        Assert.Contains("512", error.Status.Detail);
        await AssertDataAgentStillServesAsync();
    }

    [Fact]
    public async Task StartRestore_UnreachableMediaAgent_FailsWithUnavailableNamingItsConfiguredName_AndStartsNoJob()
    {
        var port = FreePort.Next();
        using var cache = new TempDirectory("unreachable-media");
        await using var dataAgent = await agents.StartDataAgentAsync(cache.Path,
            "--DataAgent:PseudoDisk=direct", $"--DataAgent:MediaAgents:backup-2:Url=https://127.0.0.1:{port}");
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var request = _driver.Request("copy-of-an-unreachable-agent", "x.vhd", MiB, 4 * MiB, mediaAgent: "backup-2");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.StartRestoreAsync(request));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("media agent 'backup-2' is unreachable: connection refused (the data agent's log says more)",
            error.Status.Detail);
        var jobs = await client.ListRestoresAsync(new ListRestoresRequest());
        Assert.DoesNotContain(jobs.Jobs, job => job.CopyName == request.CopyName);
        await AssertDataAgentStillServesAsync();
    }

    /// <summary>
    /// The media agent finds a chunk that fails its SHA-256 and ends the stream with DataLoss naming the offset; the
    /// job fails with the media agent's words, and keeps what arrived before: the two blocks in front of the damage
    /// sit in a 4 MiB page that never filled, so only the upload of the cached pages after the failure puts them
    /// (in fuse mode closing the disk's file uploads them too; direct mode has only that upload).
    /// </summary>
    [Requires(RealPart.Fuse)]
    [Theory]
    [InlineData("fuse", 7)]
    [InlineData("direct", 8)]
    public async Task Restore_ChunkFailingItsHashInTheStore_FailsWithDataLossNamingTheOffset_AndKeepsWhatArrived(
        string mode, int seed)
    {
        var copy = $"damaged-store-{mode}";
        var image = Path.Combine(agents.WorkPath, $"{copy}.raw");
        await TestDiskImage.CreateAsync(image, 8L * MiB, seed, dataFraction: 1.0);
        await _driver.BackupAsync(image, copy);
        // Damage the chunk of the disk's third block (offset 2 MiB): chunks are named by their SHA-256.
        var block = new byte[MiB];
        await using (var source = File.OpenRead(image))
        {
            source.Position = 2 * MiB;
            await source.ReadExactlyAsync(block);
        }
        var chunkId = Convert.ToHexStringLower(SHA256.HashData(block));
        var chunk = Directory.EnumerateFiles(Path.Combine(agents.StorePath, "chunks"), "*", SearchOption.AllDirectories)
            .Single(f => Path.GetFileName(f).StartsWith(chunkId, StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(chunk);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(chunk, bytes);
        var cause = $"copy '{copy}' is corrupt at disk offset {2 * MiB}: chunk {chunkId} fails its SHA-256 check";

        using (var channel = agents.MediaAgentChannel())
        {
            using var stream = new Protocol.V1.MediaAgent.MediaAgentClient(channel)
                .StreamBlocks(new StreamBlocksRequest { CopyName = copy });
            var refused = await Assert.ThrowsAsync<RpcException>(
                async () => await stream.ResponseStream.ReadAllAsync().CountAsync());
            Assert.Equal(StatusCode.DataLoss, refused.StatusCode);
            Assert.Equal(cause, refused.Status.Detail);
        }

        using var folder = new TempDirectory($"damaged-store-{mode}");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            $"--DataAgent:PseudoDisk={mode}", $"--DataAgent:MountPath={folder.Combine("mount")}");
        var result = await _driver.RestoreAsync(_driver.Request(copy, $"{copy}.vhd", 4 * MiB, 4 * MiB),
            new Uri(dataAgent.Urls.Single()));

        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains(cause, result.Error);
        Assert.Equal(2ul * MiB, result.BytesRestored);
        var blob = await File.ReadAllBytesAsync(await _driver.DownloadAsync($"{copy}.vhd"));
        var original = await File.ReadAllBytesAsync(image);
        Assert.True(blob.AsSpan(0, 2 * (int)MiB).SequenceEqual(original.AsSpan(0, 2 * (int)MiB)),
            "the two blocks before the damaged one are not in the blob");
        Assert.True(blob.AsSpan(2 * (int)MiB).IndexOfAnyExcept((byte)0) < 0, "the blob holds data from the damage on");
        await AssertDataAgentStillServesAsync();
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task StartRestore_ExistingBlobWithoutOverwrite_IsRefusedBeforeAJob_NamingTheBlobAndOverwrite()
    {
        var image = Path.Combine(agents.WorkPath, "twice.raw");
        await TestDiskImage.CreateAsync(image, 2L * MiB, seed: 3);
        await _driver.BackupAsync(image, "twice");
        var first = await _driver.RestoreAsync(_driver.Request("twice", "twice.vhd", MiB, 2 * MiB));
        Assert.True(first.State == RestoreState.Completed, first.Error);

        var second = await Assert.ThrowsAsync<RpcException>(
            () => _driver.RestoreAsync(_driver.Request("twice", "twice.vhd", MiB, 2 * MiB)));

        Assert.Equal(StatusCode.AlreadyExists, second.StatusCode);
        Assert.Equal("blob 'restores/twice.vhd' of destination 'azurite' already exists (2 MiB): restore with "
            + "--overwrite to replace it, or choose another --blob", second.Status.Detail);
        var again = _driver.Request("twice", "twice.vhd", MiB, 2 * MiB);
        again.Overwrite = true;
        var third = await _driver.RestoreAsync(again);
        Assert.True(third.State == RestoreState.Completed, third.Error);
    }
}
