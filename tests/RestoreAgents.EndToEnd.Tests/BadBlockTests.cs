using Microsoft.AspNetCore.Builder;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The data agent checks every block a media agent sends: a block whose checksum is wrong, or one that comes out
/// of order or past the disk's end, fails the job naming the copy and the offset, and never reaches the blob,
/// while the blocks before it are kept. The media agent is scripted: a real one never sends such blocks.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class BadBlockTests(AgentsFixture agents) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int DiskSize = 4 * MiB;
    private const int Bad = 2 * MiB;
    private const string Scripted = "scripted";
    private const ulong WrappingOffset = ulong.MaxValue - 1023;
    private readonly RestoreDriver _driver = new(agents);
    private readonly TempDirectory _folder = new("bad-blocks");
    private ScriptedMediaAgent _media = null!;
    private WebApplication _dataAgent = null!;

    public async Task InitializeAsync()
    {
        _media = await ScriptedMediaAgent.StartAsync(agents.Pki);
        // The data agent dials the scripted media agent only because its configuration names it.
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"),
            $"--DataAgent:MountPath={_folder.Combine("mount")}", $"--DataAgent:MediaAgents:{Scripted}:Url={_media.Url}");
    }

    public async Task DisposeAsync()
    {
        await _dataAgent.DisposeAsync();
        await _media.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>What the scripted media agent sends after the 2 MiB that arrive intact, and what the job must say.</summary>
    public static TheoryData<string, string, string> Faults() => new()
    {
        { "wrong-checksum", $"the block of copy 'wrong-checksum' at offset {Bad} (65536 bytes)", "failed its checksum" },
        { "out-of-order", $"a block of copy 'out-of-order' at offset {Bad - MiB} (65536 bytes)", "out of order" },
        { "past-the-end", $"a block of copy 'past-the-end' at offset {DiskSize} (65536 bytes)", $"beyond the disk's {DiskSize} bytes" },
        // An offset whose sum with the length wraps past ulong.MaxValue to inside the disk.
        { "wraps-around", $"a block of copy 'wraps-around' at offset {WrappingOffset} (65536 bytes)", $"beyond the disk's {DiskSize} bytes" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Restore_BadBlock_FailsNamingTheCopyAndOffset_KeepsWhatCameBefore_AndNeverWritesIt(string fault,
        string block, string why)
    {
        var disk = TestBytes.NonZero(DiskSize, seed: fault.Length);
        var blocks = ScriptedMediaAgent.Pieces(disk[..Bad]);
        var bad = fault switch
        {
            // The bytes changed on the way: the checksum is of what was sent, not of what arrives.
            "wrong-checksum" => WithChecksumOf(disk.AsSpan(Bad, 64 * 1024), Reversed(disk.AsSpan(Bad, 64 * 1024))),
            "out-of-order" => ScriptedMediaAgent.Piece(Bad - MiB, Reversed(disk.AsSpan(Bad, 64 * 1024))),
            "wraps-around" => AtOffset(ScriptedMediaAgent.Piece(0, disk.AsSpan(Bad, 64 * 1024)), WrappingOffset),
            _ => ScriptedMediaAgent.Piece(DiskSize, Reversed(disk.AsSpan(Bad, 64 * 1024))),
        };
        blocks.Add(bad);
        blocks.AddRange(ScriptedMediaAgent.Pieces(disk).Where(b => (long)b.Offset >= Bad));
        _media.Serve(fault, disk, blocks);

        var result = await _driver.RestoreAsync(
            _driver.Request(fault, $"{fault}.vhd", pageSize: MiB, cacheSize: 2 * MiB, mediaAgent: Scripted),
            new Uri(_dataAgent.Urls.Single()));

        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains(block, result.Error);
        Assert.Contains(why, result.Error);
        Assert.Contains($"media agent '{Scripted}'", result.Error);
        var blob = await File.ReadAllBytesAsync(await _driver.DownloadAsync($"{fault}.vhd"));
        Assert.Equal(DiskSize + 512, blob.Length);
        Assert.True(blob.AsSpan(0, Bad).SequenceEqual(disk.AsSpan(0, Bad)), "the 2 MiB before the bad block are not in the blob");
        Assert.True(blob.AsSpan(Bad).IndexOfAnyExcept((byte)0) < 0, "the blob holds bytes from the bad block on");
    }

    private static byte[] Reversed(ReadOnlySpan<byte> data)
    {
        var reversed = data.ToArray();
        Array.Reverse(reversed);
        return reversed;
    }

    private static Block WithChecksumOf(ReadOnlySpan<byte> sent, byte[] arrived)
    {
        var block = ScriptedMediaAgent.Piece(Bad, sent);
        block.Data = Google.Protobuf.ByteString.CopyFrom(arrived);
        return block;
    }

    private static Block AtOffset(Block block, ulong offset)
    {
        block.Offset = offset;
        return block;
    }
}
