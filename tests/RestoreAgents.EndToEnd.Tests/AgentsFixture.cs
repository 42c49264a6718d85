using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.DataAgent;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Real parts for end-to-end tests: Azurite, a secondary-copy store, and both agents as real Kestrel hosts on
/// free loopback ports, talking HTTP/2 to each other. Started once per collection.
/// </summary>
public sealed class AgentsFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("restoreagents-e2e");
    private WebApplication? _mediaAgent;
    private WebApplication? _dataAgent;

    public AzuriteFixture Azurite { get; } = new();
    public string StorePath => _root.Combine("store");
    public string CacheDirectory => _root.Combine("cache");
    public string WorkPath => _root.Combine("work");
    /// <summary>Where the data agent mounts its FUSE pseudo-disk (the default mode).</summary>
    public string MountPath => _root.Combine("mount");
    public Uri MediaAgentUrl { get; private set; } = null!;
    public Uri DataAgentUrl { get; private set; } = null!;

    /// <summary>The data agent's services, to look inside it (its pseudo-disk's statistics).</summary>
    public IServiceProvider DataAgentServices => _dataAgent!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(StorePath);
        Directory.CreateDirectory(CacheDirectory);
        Directory.CreateDirectory(WorkPath);
        await Azurite.InitializeAsync();

        _mediaAgent = MediaAgentHost.Build(["--urls", "http://127.0.0.1:0", $"--MediaAgent:StorePath={StorePath}"]);
        await _mediaAgent.StartAsync();
        MediaAgentUrl = new Uri(_mediaAgent.Urls.Single());

        _dataAgent = await StartDataAgentAsync(CacheDirectory, $"--DataAgent:MountPath={MountPath}");
        DataAgentUrl = new Uri(_dataAgent.Urls.Single());
    }

    /// <summary>Starts another data agent on a free port (the caller stops it), with its own cache folder.</summary>
    public async Task<WebApplication> StartDataAgentAsync(string cacheDirectory, params string[] settings)
    {
        var app = DataAgentHost.Build(["--urls", "http://127.0.0.1:0", $"--DataAgent:CacheDirectory={cacheDirectory}",
            "--DataAgent:Cloud:MaxRetries=2", .. settings]);
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public GrpcChannel DataAgentChannel() => GrpcChannel.ForAddress(DataAgentUrl);

    public GrpcChannel MediaAgentChannel() => GrpcChannel.ForAddress(MediaAgentUrl);

    public async Task DisposeAsync()
    {
        if (_dataAgent is not null) await _dataAgent.DisposeAsync();
        if (_mediaAgent is not null) await _mediaAgent.DisposeAsync();
        await Azurite.DisposeAsync();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AgentsCollection : ICollectionFixture<AgentsFixture>
{
    public const string Name = "Agents";
}
