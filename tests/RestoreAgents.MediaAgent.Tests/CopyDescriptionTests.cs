using System.Security.Cryptography;
using Grpc.Core;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>ListCopies and DescribeCopy: what the data agent plans a restore from.</summary>
public sealed class CopyDescriptionTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly MediaAgentUnderTest _agent = new();

    [Fact]
    public async Task DescribeCopy_GivesTheDiskSize_BlockSize_AllocatedExtents_AndTheDisksSha256()
    {
        // Not a whole MiB: the last block is short. Blocks 2 and 3 hold data and merge into one extent.
        const long size = 5 * MiB + 1536;
        var image = DiskBytes.With(size, (100, 10), (2 * MiB + 7, 3), (3 * MiB, 4096), (5 * MiB + 1000, 536));
        await _agent.Copies.BackUpAsync("vm01", image);

        var copy = await _agent.DescribeCopyAsync("vm01");

        Assert.Equal("vm01", copy.Name);
        Assert.Equal((ulong)size, copy.DiskSize);
        Assert.Equal((uint)MiB, copy.BlockSize);
        Assert.Equal([(0UL, (ulong)MiB), (2UL * MiB, 2UL * MiB), (5UL * MiB, 1536UL)],
            copy.Allocated.Select(e => (e.Offset, e.Length)));
        Assert.Equal(3UL * MiB + 1536, copy.AllocatedBytes);
        Assert.Equal("raw", copy.SourceFormat);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), copy.DiskSha256);
        Assert.InRange(copy.Created.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task DescribeCopy_OfAnAllZeroDisk_HasNoExtents()
    {
        await _agent.Copies.BackUpAsync("empty", new byte[2 * MiB]);

        var copy = await _agent.DescribeCopyAsync("empty");

        Assert.Equal(2UL * MiB, copy.DiskSize);
        Assert.Empty(copy.Allocated);
        Assert.Equal(0UL, copy.AllocatedBytes);
    }

    [Fact]
    public async Task ListCopies_DescribesEveryCopy_InNameOrder_AsDescribeCopyDoes()
    {
        await _agent.Copies.BackUpAsync("b-second", DiskBytes.With(MiB, (0, 512)));
        await _agent.Copies.BackUpAsync("a-first", DiskBytes.With(2 * MiB, (MiB, 512)));

        var listed = await _agent.ListCopiesAsync();

        Assert.Equal(["a-first", "b-second"], listed.Copies.Select(c => c.Name));
        Assert.Equal(await _agent.DescribeCopyAsync("a-first"), listed.Copies[0]);
        Assert.Equal(await _agent.DescribeCopyAsync("b-second"), listed.Copies[1]);
    }

    [Fact]
    public async Task ListCopies_IsEmpty_ForAStoreWithoutCopies()
    {
        Assert.Empty((await _agent.ListCopiesAsync()).Copies);
    }

    [Fact]
    public async Task DescribeCopy_OfAnUnknownCopy_IsNotFound_NamingIt()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.DescribeCopyAsync("vm-missing"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("vm-missing", error.Status.Detail);
    }

    [Fact]
    public async Task DescribeCopy_OfANameThatIsNoCopyName_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.DescribeCopyAsync("../etc/passwd"));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'../etc/passwd' is not valid", error.Status.Detail);
    }

    public void Dispose() => _agent.Dispose();
}
