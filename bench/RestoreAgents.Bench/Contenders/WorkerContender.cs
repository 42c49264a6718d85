using System.Text.Json;
using RestoreAgents.Bench.Harness;
using RestoreAgents.Bench.Worker;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Contenders;

/// <summary>
/// A contender that runs inside the harness's own code, started as a fresh worker process per run (see
/// <see cref="WorkerProgram"/>), so that, like the data agent, it starts cold and its VmHWM is its own.
/// </summary>
public sealed class WorkerContender(BenchRig rig, SourceDisk disk, BenchSettings settings, string name,
    string description) : IContender
{
    public string Name => name;

    public string Description => description;

    public async Task<ContenderRun> RunAsync(RunSlot slot, CancellationToken cancellationToken)
    {
        var request = new WorkerRequest
        {
            Contender = name,
            Repetition = slot.Repetition,
            Folder = slot.Folder,
            ImagePath = disk.ImagePath,
            DataSize = disk.DataSize,
            PageSize = BenchSettings.PageSize,
            CacheBytes = settings.CacheBytes,
            UploadParallelism = settings.UploadParallelism,
            ConnectionString = rig.Azurite.ConnectionString,
            Container = BenchRig.Container,
            BlobName = slot.BlobName,
            MediaAgentUrl = rig.MediaAgent.Url.ToString(),
            CopyName = disk.CopyName,
            MediaAgentCredentials = rig.Pki.Files(TestPki.DataAgent),
        };
        var requestPath = slot.Combine("worker-request.json");
        var resultPath = slot.Combine("worker-result.json");
        await File.WriteAllBytesAsync(requestPath, JsonSerializer.SerializeToUtf8Bytes(request, WorkerProgram.Json),
            cancellationToken);

        var worker = await ProcessRunner.RunAsync("dotnet",
            [typeof(WorkerProgram).Assembly.Location, WorkerProgram.Verb, requestPath, resultPath],
            TimeSpan.FromMinutes(30), cancellationToken: cancellationToken);
        if (worker.ExitCode != 0 || !File.Exists(resultPath))
            throw new InvalidOperationException(
                $"the {name} worker (run {slot.Repetition}) exited {worker.ExitCode}: {worker.Combined.Trim()}");
        var measurement = JsonSerializer.Deserialize<Measurement>(await File.ReadAllBytesAsync(resultPath, cancellationToken),
            WorkerProgram.Json) ?? throw new InvalidDataException($"{resultPath} holds no measurement");

        RestoredOutput output = name switch
        {
            ContenderNames.Ceiling => new BlobOutput(slot.BlobName, HasFooter: false),
            ContenderNames.TwoPhase => new BlobOutput(slot.BlobName, HasFooter: true),
            _ => new FileOutput(request.PageBlobPath),
        };
        return new ContenderRun(measurement, output);
    }
}
