using System.IO.Hashing;
using Google.Protobuf;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>Cuts store blocks into wire messages small enough to stay off the large object heap.</summary>
internal static class BlockMessages
{
    /// <summary>Largest payload of one message: far below the 85,000-byte large-object threshold.</summary>
    public const int MaxPieceBytes = 64 * 1024;

    /// <summary>
    /// A message over a slice of the store's pooled buffer, without copying it. Valid only until the caller's
    /// buffer is reused: the service awaits each write, and gRPC serializes the message before that completes.
    /// </summary>
    /// <param name="blockSha256">The stored block's SHA-256 for the first piece of a block, else empty.</param>
    public static Block Piece(long offset, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> blockSha256) => new()
    {
        Offset = (ulong)offset,
        Data = UnsafeByteOperations.UnsafeWrap(data),
        Xxhash3 = XxHash3.HashToUInt64(data.Span),
        BlockSha256 = blockSha256.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(blockSha256),
    };
}
