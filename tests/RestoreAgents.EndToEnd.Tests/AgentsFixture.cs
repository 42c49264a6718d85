using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.DataAgent;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Real parts for end-to-end tests: Azurite, a secondary-copy store, and both agents as real Kestrel hosts on
/// free loopback ports, talking HTTP/2 to each other. Started once per collection. Every data agent knows the media
/// agent as <see cref="MediaAgentName"/> and Azurite as destination <see cref="DestinationName"/> (its development
/// key in an owner-only file, plaintext allowed, SAS URLs of Azurite's address allowed).
/// </summary>
public sealed class AgentsFixture : IAsyncLifetime
{
    public const string MediaAgentName = "backup";
    public const string DestinationName = "azurite";

    private readonly TempDirectory _root = new("restoreagents-e2e");
    private WebApplication? _mediaAgent;
    private WebApplication? _dataAgent;

    public AzuriteFixture Azurite { get; } = new();
    public string StorePath => _root.Combine("store");
    public string CacheDirectory => _root.Combine("cache");
    public string WorkPath => _root.Combine("work");
    /// <summary>Where the data agent mounts its FUSE pseudo-disk (the default mode).</summary>
    public string MountPath => _root.Combine("mount");
    /// <summary>Azurite's well-known development key (it guards nothing), 0600, as the destination reads it.</summary>
    public string AccountKeyFile => _root.Combine("azurite.key");
    public Uri MediaAgentUrl { get; private set; } = null!;
    public Uri DataAgentUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(StorePath);
        Directory.CreateDirectory(CacheDirectory);
        Directory.CreateDirectory(WorkPath);
        await Azurite.InitializeAsync();
        OwnerOnlyFile.Write(AccountKeyFile, AzuriteFixture.AccountKey);

        _mediaAgent = MediaAgentHost.Build(["--urls", "http://127.0.0.1:0", $"--MediaAgent:StorePath={StorePath}"]);
        await _mediaAgent.StartAsync();
        MediaAgentUrl = new Uri(_mediaAgent.Urls.Single());

        _dataAgent = await StartDataAgentAsync(CacheDirectory, $"--DataAgent:MountPath={MountPath}");
        DataAgentUrl = new Uri(_dataAgent.Urls.Single());
    }

    /// <summary>Starts another data agent on a free port (the caller stops it), with its own cache folder.</summary>
    public Task<WebApplication> StartDataAgentAsync(string cacheDirectory, params string[] settings) =>
        StartDataAgentAsync(cacheDirectory, configure: null, settings);

    /// <param name="configure">Last say over the host, e.g. a logger provider that keeps every line.</param>
    public async Task<WebApplication> StartDataAgentAsync(string cacheDirectory,
        Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var app = DataAgentHost.Build(["--urls", "http://127.0.0.1:0", $"--DataAgent:CacheDirectory={cacheDirectory}",
            "--DataAgent:Cloud:MaxRetries=2", .. NamedParts, .. settings], configure);
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

    /// <summary>
    /// The media agent and the Azurite destination, as an operator configures them: every data agent's settings,
    /// also of one started as a process.
    /// </summary>
    public string[] NamedParts
    {
        get
        {
            var destination = $"--DataAgent:Destinations:{DestinationName}";
            return
            [
                $"--DataAgent:MediaAgents:{MediaAgentName}:Url={MediaAgentUrl}",
                $"{destination}:BlobEndpoint={Azurite.BlobEndpoint}",
                $"{destination}:Credential=AccountKey",
                $"{destination}:AccountName={AzuriteFixture.AccountName}",
                $"{destination}:AccountKeyFile={AccountKeyFile}",
                $"{destination}:AllowPlaintext=true",
                $"{destination}:AllowedSasHosts:0=127.0.0.1:{Azurite.Port}",
            ];
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
