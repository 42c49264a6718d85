using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.Cli;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// restorectl restore, a real process, against real agents and Azurite, with the mistakes StartRestore checks
/// before it accepts a job: each is refused with one line naming the option that fixes it and the exit code the
/// README's table gives, and the data agent has no job to list afterwards.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class PreJobRefusalTests(AgentsFixture agents) : IAsyncLifetime
{
    // xUnit makes an instance, and so a copy, per case.
    private readonly string _copy = $"prejob-{Guid.NewGuid():N}";
    private const string Container = "prejob";
    private const string Taken = "taken.vhd";
    private readonly TempDirectory _folder = new("prejob");
    private WebApplication _dataAgent = null!;
    private string _dataAgentUrl = "";
    private string _deadMediaAgent = "";

    public async Task InitializeAsync()
    {
        var image = _folder.Combine("disk.img");
        await TestDiskImage.CreateAsync(image, 4 << 20, seed: 13);
        await new RestoreDriver(agents).BackupAsync(image, _copy);
        var container = new BlobContainerClient(agents.Azurite.ConnectionString, Container);
        await container.CreateIfNotExistsAsync();
        await container.GetPageBlobClient(Taken).CreateIfNotExistsAsync(1 << 20);
        _deadMediaAgent = $"https://127.0.0.1:{FreePort.Next()}";
        // A data agent of this test's own, so its job list holds only what these refusals left.
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"), "--DataAgent:PseudoDisk=direct",
            $"--DataAgent:MediaAgents:dead:Url={_deadMediaAgent}");
        _dataAgentUrl = _dataAgent.Urls.Single();
    }

    private static readonly string[] Backup = ["--media-agent", AgentsFixture.MediaAgentName];

    public static TheoryData<string, string[], int, string> Mistakes => new()
    {
        { "blob exists", [.. Backup, "--container", Container, "--blob", Taken], ExitCodes.TargetNotReady, $"blob '{Container}/{Taken}' of destination "
            + $"'{AgentsFixture.DestinationName}' already exists (1 MiB): restore with --overwrite to replace it, or "
            + "choose another --blob" },
        { "cache under a page", [.. Backup, "--container", Container, "--blob", "new.vhd", "--cache-size", "1MiB"], ExitCodes.Usage, "the cache of 1 MiB "
            + "(--cache-size, else DataAgent:CacheSizeBytes) is smaller than one page of 4 MiB (--page-size, else "
            + "DataAgent:PageSizeBytes)" },
        { "container missing, SAS", [.. Backup, "--blob", "new.vhd", "--sas-url-file", "{sas}"], ExitCodes.TargetNotReady,
            "container 'prejob-missing' does not exist in destination 'azurite', and a SAS URL cannot create it: "
            + "create it first (restorectl mount --create-container), or restore without --sas-url so the "
            + "destination's own credential creates it" },
        { "unknown media agent", ["--media-agent", "backup9", "--container", Container, "--blob", "new.vhd"], ExitCodes.Usage,
            "no media agent named 'backup9' is configured on this data agent" },
        { "media agent refuses connections", ["--media-agent", "dead", "--container", Container, "--blob", "new.vhd"], ExitCodes.AgentUnreachable,
            "media agent 'dead' is unreachable: connection refused (the data agent's log says more)" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Restore_WithAMistake_IsRefusedBeforeAJobExists(string mistake, string[] options, int exitCode,
        string message)
    {
        var sasFile = OwnerOnlyFile.Write(_folder.Combine("sas.url"), AzuriteSas.ContainerSasUrl(
            agents.Azurite.BlobEndpoint, "prejob-missing", BlobContainerSasPermissions.All));
        string[] arguments = [RestorectlProcess.Path, "restore", "--data-agent", _dataAgentUrl,
            "--destination", AgentsFixture.DestinationName, "--copy", _copy, .. Certificates(), .. options.Select(o => o.Replace("{sas}", sasFile,
                StringComparison.Ordinal))];

        var result = await ProcessRunner.RunAsync("dotnet", arguments, TimeSpan.FromMinutes(2));

        Assert.True(exitCode == result.ExitCode, $"{mistake}: exit {result.ExitCode}\n{result.Combined}");
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Equal($"error: data agent at {_dataAgentUrl}: {message}", line.TrimEnd());
        using var channel = agents.ChannelTo(_dataAgent);
        var jobs = await new Protocol.V1.DataAgent.DataAgentClient(channel).ListRestoresAsync(new ListRestoresRequest());
        Assert.Empty(jobs.Jobs);
    }

    private string[] Certificates()
    {
        var files = agents.Pki.Files(TestPki.Operator);
        return ["--cert", files.CertificateFile, "--key", files.KeyFile, "--ca", files.TrustedCaFile];
    }

    public async Task DisposeAsync()
    {
        await _dataAgent.DisposeAsync();
        _folder.Dispose();
    }
}
