using RestoreAgents.Cloud;
using RestoreAgents.Security;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// What a worker process runs: one contender that lives inside the harness (ceiling, two-phase, pseudo-disk),
/// in a process of its own so its memory high-water mark and its JIT warm-up are its alone, as the data agent's are.
/// </summary>
public sealed record WorkerRequest
{
    public required string Contender { get; init; }
    public required int Repetition { get; init; }
    public required string Folder { get; init; }
    public required string ImagePath { get; init; }
    public required long DataSize { get; init; }
    public required int PageSize { get; init; }
    public required long CacheBytes { get; init; }
    public required int UploadParallelism { get; init; }
    public required string ConnectionString { get; init; }
    public required string Container { get; init; }
    public required string BlobName { get; init; }
    public required string MediaAgentUrl { get; init; }
    public required string CopyName { get; init; }

    /// <summary>The data agent's certificate files: two-phase dials the media agent over mutual TLS as the data agent does.</summary>
    public required CertificateFiles MediaAgentCredentials { get; init; }

    /// <summary>Where the pseudo-disk runs keep their local page blob, for the harness to check.</summary>
    public string PageBlobPath => Path.Combine(Folder, "page-blob.raw");

    /// <summary>The container of the run's blob, with the data agent's default cloud settings.</summary>
    public PageBlobContainer BlobContainer() =>
        new StorageAccountClient(new ConnectionStringCredentials(ConnectionString), new CloudOptions())
            .GetContainer(Container);
}
