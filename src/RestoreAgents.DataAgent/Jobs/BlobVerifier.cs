using System.Buffers;
using System.Security.Cryptography;
using RestoreAgents.PageCache;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Reads a restored disk back from the cloud and compares it with the copy's SHA-256.</summary>
internal static class BlobVerifier
{
    private const int ReadSize = 4 * 1024 * 1024;

    public static async Task VerifyAsync(IPageStore store, long diskSize, string expectedSha256,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            for (long offset = 0; offset < diskSize; offset += ReadSize)
            {
                var length = (int)Math.Min(ReadSize, diskSize - offset);
                await store.ReadAsync(offset, buffer.AsMemory(0, length), cancellationToken);
                hash.AppendData(buffer, 0, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"verification failed: the disk in {store.Name} has SHA-256 {actual}, the copy has {expectedSha256}");
    }
}
