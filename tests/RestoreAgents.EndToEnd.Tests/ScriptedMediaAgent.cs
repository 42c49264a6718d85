using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A media agent on Kestrel (HTTP/2 over TLS on a free loopback port, presenting the test PKI's media agent
/// certificate, so the data agent dials it as a real one; it asks for no client certificate) that streams exactly
/// the blocks a test scripts, to show what the data agent's client does with what a real media agent never sends:
/// a block whose checksum is wrong, a block out of order or past the disk; or a stream that goes silent mid-way
/// while the agent stays up. A fake on purpose: the data agent is what is under test.
/// </summary>
internal sealed class ScriptedMediaAgent : IAsyncDisposable
{
    private readonly Copies _copies;
    private readonly WebApplication _host;
    private readonly X509Certificate2 _certificate;

    private ScriptedMediaAgent(WebApplication host, Copies copies, X509Certificate2 certificate)
    {
        _host = host;
        _copies = copies;
        _certificate = certificate;
    }

    public Uri Url => new(_host.Urls.Single());

    public static async Task<ScriptedMediaAgent> StartAsync(TestPki pki)
    {
        var files = pki.Files(TestPki.MediaAgent);
        var certificate = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc();
        var copies = new Copies();
        builder.Services.AddSingleton(copies);
        var host = builder.Build();
        host.MapGrpcService<Service>();
        await host.StartAsync();
        return new ScriptedMediaAgent(host, copies, certificate);
    }

    /// <summary>Serves a copy of <paramref name="disk"/>, described truthfully, whose stream sends <paramref name="blocks"/>.</summary>
    public void Serve(string name, byte[] disk, IReadOnlyList<Block> blocks)
    {
        var copy = new CopyDescription
        {
            Name = name,
            DiskSize = (ulong)disk.Length,
            BlockSize = 1024 * 1024,
            AllocatedBytes = (ulong)disk.Length,
            SourceFormat = "raw",
            DiskSha256 = Convert.ToHexStringLower(SHA256.HashData(disk)),
        };
        copy.Allocated.Add(new Extent { Offset = 0, Length = (ulong)disk.Length });
        _copies[name] = (copy, blocks);
        _copies.Disks[name] = disk;
    }

    /// <summary>
    /// Serves <paramref name="name"/> truthfully, except that its first stream goes silent after
    /// <paramref name="blocksBeforeSilence"/> pieces and stays open; later streams send the pieces in the ranges asked.
    /// </summary>
    public void ServeGoingSilent(string name, byte[] disk, int blocksBeforeSilence)
    {
        Serve(name, disk, Pieces(disk));
        _copies.SilentAfter[name] = blocksBeforeSilence;
    }

    /// <summary>The ranges of every StreamBlocks call for <paramref name="name"/> so far (empty: the whole copy).</summary>
    public IReadOnlyList<IReadOnlyList<Extent>> RangesAsked(string name) =>
        _copies.Asked.TryGetValue(name, out var asked) ? [.. asked] : [];

    /// <summary>The disk's bytes as a real media agent sends them: 64 KiB pieces in order, each with its checksum.</summary>
    public static List<Block> Pieces(byte[] disk, int pieceSize = 64 * 1024)
    {
        var blocks = new List<Block>();
        for (var offset = 0; offset < disk.Length; offset += pieceSize)
            blocks.Add(Piece(offset, disk.AsSpan(offset, Math.Min(pieceSize, disk.Length - offset))));
        return blocks;
    }

    public static Block Piece(long offset, ReadOnlySpan<byte> data) => new()
    {
        Offset = (ulong)offset,
        Data = ByteString.CopyFrom(data),
        Xxhash3 = XxHash3.HashToUInt64(data),
    };

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _certificate.Dispose();
    }

    private sealed class Copies : ConcurrentDictionary<string, (CopyDescription Copy, IReadOnlyList<Block> Blocks)>
    {
        public ConcurrentDictionary<string, int> SilentAfter { get; } = new();

        public ConcurrentDictionary<string, byte[]> Disks { get; } = new();

        public ConcurrentDictionary<string, ConcurrentQueue<IReadOnlyList<Extent>>> Asked { get; } = new();
    }

    private sealed class Service(Copies copies) : Protocol.V1.MediaAgent.MediaAgentBase
    {
        public override Task<CopyDescription> DescribeCopy(DescribeCopyRequest request, ServerCallContext context) =>
            Task.FromResult(Find(request.CopyName).Copy);

        public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<Block> responseStream,
            ServerCallContext context)
        {
            copies.Asked.GetOrAdd(request.CopyName, _ => new()).Enqueue([.. request.Ranges]);
            var silentAfter = copies.SilentAfter.TryRemove(request.CopyName, out var count) ? count : int.MaxValue;
            var (copy, blocks) = Find(request.CopyName);
            var hashed = new HashSet<ulong>();
            foreach (var block in blocks.Where(b => Asked(request, b)))
            {
                if (silentAfter-- == 0) await Task.Delay(Timeout.Infinite, context.CancellationToken);
                await responseStream.WriteAsync(WithBlockHash(block, copy, request.CopyName, hashed),
                    context.CancellationToken);
            }
        }

        /// <summary>As a real media agent: the first piece this stream sends of each block carries its SHA-256.</summary>
        private Block WithBlockHash(Block piece, CopyDescription copy, string name, HashSet<ulong> hashed)
        {
            var index = piece.Offset / copy.BlockSize;
            if (!copies.Disks.TryGetValue(name, out var disk) || piece.Offset >= (ulong)disk.Length || !hashed.Add(index))
                return piece;
            var start = (int)(index * copy.BlockSize);
            var length = (int)Math.Min(copy.BlockSize, (ulong)disk.Length - (ulong)start);
            var withHash = piece.Clone();
            withHash.BlockSha256 = ByteString.CopyFrom(SHA256.HashData(disk.AsSpan(start, length)));
            return withHash;
        }

        private static bool Asked(StreamBlocksRequest request, Block block) =>
            request.Ranges.Count == 0
            || request.Ranges.Any(r => block.Offset >= r.Offset && block.Offset < r.Offset + r.Length);

        private (CopyDescription Copy, IReadOnlyList<Block> Blocks) Find(string name) =>
            copies.TryGetValue(name, out var copy)
                ? copy
                : throw new RpcException(new Status(StatusCode.NotFound, $"copy '{name}' is not scripted"));
    }
}
