using System.IO.Hashing;
using Grpc.Core;
using Microsoft.Win32.SafeHandles;
using RestoreAgents.Connections;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The first phase of the old way: the copy's block stream from the media agent, through the generated protocol
/// client on a channel of <see cref="AgentChannels"/> over mutual TLS (as the data agent's), written at its offsets into a local
/// sparse file of the disk's size. Every block's XXH3 is checked, as the data agent checks it, and the file is
/// fsynced at the end: a restore to local disk is on that disk.
/// </summary>
internal static class CopyToLocalFile
{
    public static async Task<long> RunAsync(Uri mediaAgent, CertificateFiles credentials, string copyName, string path,
        CancellationToken cancellationToken)
    {
        using var certificates = new CertificateSource(credentials, NullLogger.Instance, watch: false);
        using var channels = new AgentChannels(new AgentChannelOptions(), certificates);
        var client = new MediaAgent.MediaAgentClient(channels.For(mediaAgent));
        var copy = await client.DescribeCopyAsync(new DescribeCopyRequest { CopyName = copyName },
            cancellationToken: cancellationToken);

        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None,
            FileOptions.Asynchronous);
        RandomAccess.SetLength(file, (long)copy.DiskSize);
        long received = 0;
        using var call = client.StreamBlocks(new StreamBlocksRequest { CopyName = copyName },
            cancellationToken: cancellationToken);
        await foreach (var block in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            var data = block.Data.Memory;
            if (XxHash3.HashToUInt64(data.Span) != block.Xxhash3)
                throw new InvalidDataException($"the block at offset {block.Offset} of copy '{copyName}' failed its checksum");
            await RandomAccess.WriteAsync(file, data, (long)block.Offset, cancellationToken);
            received += data.Length;
        }
        if (received != (long)copy.AllocatedBytes)
            throw new InvalidDataException(
                $"the media agent sent {received} of the {copy.AllocatedBytes} bytes of copy '{copyName}'");
        await FlushAsync(file, cancellationToken);
        return received;
    }

    private static Task FlushAsync(SafeFileHandle file, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => RandomAccess.FlushToDisk(file), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
