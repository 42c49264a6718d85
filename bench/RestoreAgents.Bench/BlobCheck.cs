using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;

namespace RestoreAgents.Bench;

/// <summary>Every timed restore is checked afterwards: the blob's disk bytes hash to the source disk's SHA-256.</summary>
internal static class BlobCheck
{
    public static async Task AssertHoldsDiskAsync(string connectionString, string container, string blobName,
        BenchDisk disk, string contender)
    {
        var blob = new PageBlobClient(connectionString, container, blobName);
        await using var content = await blob.OpenReadAsync(position: 0, bufferSize: 8 * 1024 * 1024);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[8 * 1024 * 1024];
        long left = disk.Size;
        while (left > 0)
        {
            int read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
            if (read == 0) throw new InvalidOperationException($"{contender}: blob {blobName} is shorter than the disk");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != disk.Sha256)
            throw new InvalidOperationException(
                $"{contender}: blob {blobName} does not hold the disk (SHA-256 {actual}, expected {disk.Sha256})");
        await blob.DeleteAsync(); // Azurite keeps blobs in memory: free it for the next run
    }
}
