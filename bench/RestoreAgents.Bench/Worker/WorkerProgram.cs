using System.Text.Json;
using RestoreAgents.Bench.Contenders;

namespace RestoreAgents.Bench.Worker;

/// <summary>
/// The worker side of the harness (RestoreAgents.Bench worker REQUEST.json RESULT.json): runs one contender
/// once and writes its <see cref="Measurement"/> as JSON.
/// </summary>
public static class WorkerProgram
{
    public const string Verb = "worker";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string requestPath, string resultPath, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<WorkerRequest>(await File.ReadAllBytesAsync(requestPath, cancellationToken), Json)
                      ?? throw new InvalidDataException($"{requestPath} holds no worker request");
        var measurement = request.Contender switch
        {
            ContenderNames.Ceiling => await UploadCeilingRun.RunAsync(request, cancellationToken),
            ContenderNames.TwoPhase => await TwoPhaseRun.RunAsync(request, cancellationToken),
            ContenderNames.PseudoDiskDirect => await PseudoDiskRun.RunAsync(request, throughFuse: false, cancellationToken),
            ContenderNames.PseudoDiskFuse => await PseudoDiskRun.RunAsync(request, throughFuse: true, cancellationToken),
            _ => throw new ArgumentException($"no worker runs contender '{request.Contender}'"),
        };
        await File.WriteAllBytesAsync(resultPath, JsonSerializer.SerializeToUtf8Bytes(measurement, Json), cancellationToken);
        return 0;
    }
}
