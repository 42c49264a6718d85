using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using RestoreAgents.Hosting.Security;
using RestoreAgents.DataAgent;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Real parts for end-to-end tests: Azurite, a secondary-copy store, and both agents as real Kestrel hosts on
/// free loopback ports, talking HTTP/2 over mutual TLS with the certificates of a throwaway <see cref="TestPki"/>,
/// as in production. Started once per collection. Every data agent knows the media agent as
/// <see cref="MediaAgentName"/> and Azurite as destination <see cref="DestinationName"/> (its development key in an
/// owner-only file, plaintext allowed, SAS URLs of Azurite's address allowed).
/// </summary>
public sealed class AgentsFixture : IAsyncLifetime
{
    public const string MediaAgentName = "backup";
    public const string DestinationName = "azurite";

    /// <summary>A destination of Kind ManagedDisk: Azurite's blobs named by their SAS stand in for managed disks.</summary>
    public const string ManagedDiskDestinationName = "disks";

    private readonly TempDirectory _root = new("restoreagents-e2e");
    private WebApplication? _mediaAgent;
    private WebApplication? _dataAgent;

    public AzuriteFixture Azurite { get; } = new();
    public TestPki Pki { get; } = new();

    /// <summary>The audit lines of every host the fixture starts.</summary>
    public LogRecorder Audit { get; } = new(AuditLog.Category);
    public string StorePath => _root.Combine("store");
    public string CacheDirectory => _root.Combine("cache");
    public string WorkPath => _root.Combine("work");
    /// <summary>Where the data agent mounts its FUSE pseudo-disk (the default mode).</summary>
    public string MountPath => _root.Combine("mount");
    /// <summary>Azurite's well-known development key (it guards nothing), 0600, as the destination reads it.</summary>
    public string AccountKeyFile => _root.Combine("azurite.key");
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
        OwnerOnlyFile.Write(AccountKeyFile, AzuriteFixture.AccountKey);

        _mediaAgent = MediaAgentHost.Build(["--urls", "https://127.0.0.1:0", $"--MediaAgent:StorePath={StorePath}",
            "--Hosting:EnableReflection=true", .. Pki.MediaAgentSettings()], RecordAudit);
        await _mediaAgent.StartAsync();
        MediaAgentUrl = new Uri(_mediaAgent.Urls.Single());

        _dataAgent = await StartDataAgentAsync(CacheDirectory, $"--DataAgent:MountPath={MountPath}",
            "--Hosting:EnableReflection=true");
        DataAgentUrl = new Uri(_dataAgent.Urls.Single());
    }

    /// <summary>Starts another data agent on a free port (the caller stops it), with its own cache folder.</summary>
    public Task<WebApplication> StartDataAgentAsync(string cacheDirectory, params string[] settings) =>
        StartDataAgentAsync(cacheDirectory, configure: null, settings);

    /// <param name="configure">Last say over the host, e.g. a logger provider that keeps every line.</param>
    public async Task<WebApplication> StartDataAgentAsync(string cacheDirectory,
        Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var app = DataAgentHost.Build(["--urls", "https://127.0.0.1:0", $"--DataAgent:CacheDirectory={cacheDirectory}",
            "--DataAgent:Cloud:MaxRetries=2", .. Pki.DataAgentSettings(), .. NamedParts, .. settings], builder =>
            {
                RecordAudit(builder);
                configure?.Invoke(builder);
            });
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
            return
            [
                $"--DataAgent:MediaAgents:{MediaAgentName}:Url={MediaAgentUrl}",
                .. AzuriteAt(DestinationName, Azurite.BlobEndpoint),
                $"--DataAgent:Destinations:{DestinationName}:AllowedSasHosts:0=127.0.0.1:{Azurite.Port}",
                $"--DataAgent:Destinations:{ManagedDiskDestinationName}:Kind=ManagedDisk",
                $"--DataAgent:Destinations:{ManagedDiskDestinationName}:Credential=SasOnly",
                $"--DataAgent:Destinations:{ManagedDiskDestinationName}:AllowPlaintext=true",
                $"--DataAgent:Destinations:{ManagedDiskDestinationName}:AllowedSasHosts:0=127.0.0.1:{Azurite.Port}",
            ];
        }
    }

    /// <summary>Settings of a destination <paramref name="name"/>: Azurite's account by key at
    /// <paramref name="blobEndpoint"/> (a proxy or stand-in before it, or Azurite itself).</summary>
    public string[] AzuriteAt(string name, string blobEndpoint) =>
        AzuriteFixture.DestinationSettings(name, blobEndpoint, AccountKeyFile);

    /// <summary>A channel to the data agent, as an operator unless <paramref name="who"/> says otherwise.</summary>
    public GrpcChannel DataAgentChannel(string who = TestPki.Operator) => Pki.Channel(DataAgentUrl, who);

    /// <summary>A channel to the media agent, as a data agent unless <paramref name="who"/> says otherwise.</summary>
    public GrpcChannel MediaAgentChannel(string who = TestPki.DataAgent) => Pki.Channel(MediaAgentUrl, who);

    /// <summary>A channel to another data agent (one of <see cref="StartDataAgentAsync"/>) as an operator.</summary>
    public GrpcChannel ChannelTo(WebApplication dataAgent) => Pki.Channel(new Uri(dataAgent.Urls.Single()), TestPki.Operator);

    private void RecordAudit(WebApplicationBuilder builder) => builder.Logging.AddProvider(Audit);

    public async Task DisposeAsync()
    {
        if (_dataAgent is not null) await _dataAgent.DisposeAsync();
        if (_mediaAgent is not null) await _mediaAgent.DisposeAsync();
        await Azurite.DisposeAsync();
        Pki.Dispose();
        _root.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AgentsCollection : ICollectionFixture<AgentsFixture>
{
    public const string Name = "Agents";
}
