using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Health.V1;
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
    public async Task StartRestore_UnreachableMediaAgent_FailsWithUnavailableNamingTheAddress()
    {
        var request = _driver.Request("anything", "x.vhd", MiB, 4 * MiB);
        request.MediaAgentUrl = $"https://127.0.0.1:{FreePort.Next()}";

        var error = await StartFailsAsync(request);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(request.MediaAgentUrl, error.Status.Detail);
        await AssertDataAgentStillServesAsync();
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task Restore_CorruptChunkInTheStore_FailsNamingTheOffsetAndKeepsServing()
    {
        var image = Path.Combine(agents.WorkPath, "corrupt.raw");
        await TestDiskImage.CreateAsync(image, 8L * MiB, seed: 7, dataFraction: 1.0);
        await _driver.BackupAsync(image, "corrupt");
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

        var result = await _driver.RestoreAsync(_driver.Request("corrupt", "corrupt.vhd", MiB, 2 * MiB));

        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains("corrupt", result.Error);
        Assert.Contains((2 * MiB).ToString(), result.Error);
        Assert.True(result.BytesRestored >= 2 * MiB, "the blocks before the damage were restored");
        // What arrived before the damage is in the blob, not thrown away with the cache.
        var blob = await File.ReadAllBytesAsync(await _driver.DownloadAsync("corrupt.vhd"));
        var original = await File.ReadAllBytesAsync(image);
        Assert.True(blob.AsSpan(0, 2 * (int)MiB).SequenceEqual(original.AsSpan(0, 2 * (int)MiB)),
            "the two blocks before the corrupt one are not in the blob");
        await AssertDataAgentStillServesAsync();
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task StartRestore_ExistingBlobWithoutOverwrite_FailsNamingTheBlob()
    {
        var image = Path.Combine(agents.WorkPath, "twice.raw");
        await TestDiskImage.CreateAsync(image, 2L * MiB, seed: 3);
        await _driver.BackupAsync(image, "twice");
        var first = await _driver.RestoreAsync(_driver.Request("twice", "twice.vhd", MiB, 2 * MiB));
        Assert.True(first.State == RestoreState.Completed, first.Error);

        var second = await _driver.RestoreAsync(_driver.Request("twice", "twice.vhd", MiB, 2 * MiB));

        Assert.Equal(RestoreState.Failed, second.State);
        Assert.Contains("twice.vhd", second.Error);
        var again = _driver.Request("twice", "twice.vhd", MiB, 2 * MiB);
        again.Overwrite = true;
        var third = await _driver.RestoreAsync(again);
        Assert.True(third.State == RestoreState.Completed, third.Error);
    }
}
