using Azure.Storage.Sas;
using RestoreAgents.Testing.Otlp;
using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Two restores as an operator runs them, a disk and one eight times its size: restorectl, the data agent and the
/// media agent each a process of its own, exporting over OTLP (the standard OTEL_* variables) to one receiver.
/// The agents are stopped before the tests look, so every span they held is exported.
/// </summary>
public sealed class TracedRestoresFixture : IAsyncLifetime
{
    public const long MiB = 1024 * 1024;
    public const long SmallDisk = 16 * MiB;
    public const long LargeDisk = 8 * SmallDisk;
    private const string MediaAgentName = "traced-media";
    private const string DestinationName = "azurite";

    private readonly TempDirectory _root = new("restoreagents-traced");
    private readonly TestPki _pki = new();

    public AzuriteFixture Azurite { get; } = new();
    public OtlpReceiver Receiver { get; private set; } = null!;
    public TracedRestore Small { get; private set; } = null!;
    public TracedRestore Large { get; private set; } = null!;

    /// <summary>The SAS URL the large restore wrote its blob with: its signature must never be exported.</summary>
    public string SasUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var store = _root.Combine("store");
        Directory.CreateDirectory(store);
        await Azurite.InitializeAsync();
        Receiver = await OtlpReceiver.StartAsync();
        await BackUpAsync(store, "traced-small", SmallDisk, seed: 21);
        await BackUpAsync(store, "traced-large", LargeDisk, seed: 22);
        SasUrl = AzuriteSas.ContainerSasUrl(Azurite.BlobEndpoint, "traced",
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write
            | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.List);

        string[] export = [.. Receiver.ExporterVariables.Select(v => $"--{v.Key}={v.Value}")];
        var destination = $"--DataAgent:Destinations:{DestinationName}";
        await using (var media = await AgentProcess.StartAsync("RestoreAgents.MediaAgent", _pki,
                         [$"--MediaAgent:StorePath={store}", .. export]))
        await using (var data = await AgentProcess.StartAsync("RestoreAgents.DataAgent", _pki,
                         [$"--DataAgent:CacheDirectory={_root.Combine("cache")}",
                          $"--DataAgent:MountPath={_root.Combine("mount")}",
                          $"--DataAgent:MediaAgents:{MediaAgentName}:Url={media.Url}",
                          .. AzuriteFixture.DestinationSettings(DestinationName, Azurite.BlobEndpoint,
                              OwnerOnlyFile.Write(_root.Combine("azurite.key"), AzuriteFixture.AccountKey)),
                          $"{destination}:AllowedSasHosts:0=127.0.0.1:{Azurite.Port}",
                          .. export]))
        {
            Small = await RestoreAsync(data.Url, "traced-small", sasUrl: null);
            Large = await RestoreAsync(data.Url, "traced-large", SasUrl);
        } // SIGTERM: each agent flushes its spans, metrics and logs as it stops
    }

    /// <summary>Every span received of <paramref name="restore"/>'s trace.</summary>
    public IReadOnlyList<ExportedSpan> SpansOf(TracedRestore restore) =>
        Receiver.Spans.Where(s => s.TraceId == restore.TraceId).ToList();

    private static async Task BackUpAsync(string store, string copy, long size, int seed)
    {
        var image = Path.Combine(store, "..", copy + ".raw");
        await TestDiskImage.CreateAsync(image, size, seed, dataFraction: 1.0);
        await new BackupWriter(new SecondaryCopyStore(store))
            .BackupAsync(image, copy, new BackupOptions { BlockSize = (int)MiB }, null, CancellationToken.None);
    }

    private async Task<TracedRestore> RestoreAsync(Uri dataAgent, string copy, string? sasUrl)
    {
        // restorectl as an operator runs it: the operator's certificate, the standard OTEL_* variables, and a
        // SAS URL (if any) from the environment; the destination's key stays with the data agent.
        var files = _pki.Files(TestPki.Operator);
        var environment = new Dictionary<string, string>(Receiver.ExporterVariables)
        {
            ["RESTOREAGENTS_CERT"] = files.CertificateFile,
            ["RESTOREAGENTS_KEY"] = files.KeyFile,
            ["RESTOREAGENTS_CA"] = files.TrustedCaFile,
        };
        if (sasUrl is not null) environment["RESTOREAGENTS_SAS_URL"] = sasUrl;
        var result = await ProcessRunner.RunAsync("dotnet",
        [
            RestorectlProcess.Path, "restore", "--data-agent", dataAgent.ToString(), "--media-agent", MediaAgentName,
            "--destination", DestinationName, "--copy", copy, "--container", "traced", "--blob", copy + ".vhd",
            "--page-size", "1MiB", "--cache-size", "8MiB",
        ], timeout: TimeSpan.FromMinutes(3), environment: environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"restorectl restore of {copy} failed:\n{result.Combined}");
        return new TracedRestore(copy, TraceIdIn(result.StandardOutput), result);
    }

    /// <summary>The trace restorectl names in its last words: "...; trace 4bf92f3577b34da6a3ce929d0e0e4736".</summary>
    private static string TraceIdIn(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"; trace ([0-9a-f]{32})");
        return match.Success ? match.Groups[1].Value
            : throw new InvalidOperationException($"restorectl named no trace:\n{output}");
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Azurite.DisposeAsync();
        _pki.Dispose();
        _root.Dispose();
    }
}

/// <summary>One restore of <see cref="TracedRestoresFixture"/>: its copy, the trace restorectl named, what it printed.</summary>
public sealed record TracedRestore(string Copy, string TraceId, ProcessResult Restorectl);
