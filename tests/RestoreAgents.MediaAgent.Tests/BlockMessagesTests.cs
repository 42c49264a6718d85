using System.IO.Hashing;
using RestoreAgents.MediaAgent.Services;
using RestoreAgents.Testing;

namespace RestoreAgents.MediaAgent.Tests;

public sealed class BlockMessagesTests
{
    [Fact]
    public void Piece_CarriesItsDiskOffset_ItsBytes_AndTheirXxHash3()
    {
        var buffer = TestBytes.NonZero(1000, seed: 7);
        const long offset = 5L * 1024 * 1024 * 1024 + 513; // past 4 GiB: the offset must not be cut to 32 bits

        var piece = BlockMessages.Piece(offset, buffer.AsMemory(10, 500), ReadOnlyMemory<byte>.Empty);

        Assert.Equal((ulong)offset, piece.Offset);
        Assert.Equal(buffer[10..510], piece.Data.ToByteArray());
        Assert.Equal(XxHash3.HashToUInt64(buffer.AsSpan(10, 500)), piece.Xxhash3);
        Assert.True(piece.BlockSha256.IsEmpty);
    }

    [Fact]
    public void Piece_CarriesTheBlockSha256_WhenGivenOne()
    {
        var digest = TestBytes.NonZero(32, seed: 3);

        var piece = BlockMessages.Piece(0, TestBytes.NonZero(100, seed: 4), digest);

        Assert.Equal(digest, piece.BlockSha256.ToByteArray());
    }

    [Fact]
    public void MaxPieceBytes_KeepsAPieceOffTheLargeObjectHeap()
    {
        Assert.Equal(64 * 1024, BlockMessages.MaxPieceBytes);
        Assert.True(BlockMessages.MaxPieceBytes < 85_000);
    }
}
