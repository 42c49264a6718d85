using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.DataAgent.Services;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The data agent's service behind its status-mapping interceptor, with its real job registry and runner (direct
/// mode, no FUSE), called as methods: what a controller would receive, without a host. It knows one media agent,
/// <see cref="MediaAgentName"/>, and one destination, <see cref="DestinationName"/>: Azurite's development account
/// at a loopback port where nothing answers, or only as the test's endpoint does.
/// </summary>
internal sealed class DataAgentUnderTest : IAsyncDisposable
{
    public const string MediaAgentName = "backup";
    public const string DestinationName = "cloud";

    private readonly TempDirectory _folder = new("data-agent");
    private readonly RestoreExceptionInterceptor _interceptor = new(NullLogger<RestoreExceptionInterceptor>.Instance);
    private readonly AgentChannels _channels;
    private readonly RestoreJobRegistry _jobs;
    private readonly DataAgentService _service;

    /// <param name="pki">Whose CA the media agent's certificate is of; the agent dials as its data agent.</param>
    /// <param name="mediaAgent">The address of media agent <see cref="MediaAgentName"/>.</param>
    /// <param name="cloudPort">The loopback port of the destination; by default one where connections are refused.</param>
    public DataAgentUnderTest(TestPki pki, Uri mediaAgent, int? cloudPort = null,
        Action<DataAgentOptions>? configure = null)
    {
        _channels = pki.Channels(TestPki.DataAgent);
        var settings = new DataAgentOptions
        {
            CacheDirectory = _folder.Combine("cache"),
            PseudoDisk = PseudoDiskMode.Direct,
            MediaAgentTimeout = TimeSpan.FromSeconds(20),
            Cloud = { MaxRetries = 0 },
        };
        settings.MediaAgents[MediaAgentName] = new MediaAgentEndpointOptions { Url = mediaAgent.ToString() };
        settings.Destinations[DestinationName] = AzuriteAccountAt(cloudPort ?? FreePort.Next());
        configure?.Invoke(settings);
        var options = Options.Create(settings);
        var runner = new RestoreRunner(options, new DirectRestoreDiskFactory(), _channels, TimeProvider.System,
            NullLogger<RestoreRunner>.Instance);
        _jobs = new RestoreJobRegistry(options, runner, _channels, new MediaAgentDirectory(options),
            new StorageDestinations(settings, Environment.GetEnvironmentVariable, NullLogger.Instance),
            TimeProvider.System, NullLogger<RestoreJobRegistry>.Instance);
        _service = new DataAgentService(_jobs, TimeProvider.System);
    }

    /// <summary>A file holding Azurite's well-known development key (it guards nothing), owner-only.</summary>
    public string KeyFile => OwnerOnlyFile.Write(_folder.Combine("azurite.key"), AzuriteFixture.AccountKey);

    /// <summary>Azurite's development account, by key, at a loopback port (plaintext allowed, as for Azurite).</summary>
    public StorageDestinationOptions AzuriteAccountAt(int port) => new()
    {
        BlobEndpoint = $"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}",
        Credential = StorageCredentialKind.AccountKey,
        AccountName = AzuriteFixture.AccountName,
        AccountKeyFile = KeyFile,
        AllowPlaintext = true,
    };

    /// <summary>A valid request: copy <paramref name="copyName"/> into restores/vm01.vhd of the destination.</summary>
    public static StartRestoreRequest Request(string copyName) => new()
    {
        MediaAgent = MediaAgentName,
        CopyName = copyName,
        Target = new RestoreTarget { Destination = DestinationName, Container = "restores", BlobName = "vm01.vhd" },
    };

    public Task<StartRestoreResponse> StartRestoreAsync(StartRestoreRequest request) =>
        _interceptor.UnaryServerHandler(request, Context("StartRestore"), _service.StartRestore);

    public Task<CancelRestoreResponse> CancelRestoreAsync(string jobId) =>
        _interceptor.UnaryServerHandler(new CancelRestoreRequest { JobId = jobId }, Context("CancelRestore"),
            _service.CancelRestore);

    public Task<ListRestoresResponse> ListRestoresAsync() =>
        _interceptor.UnaryServerHandler(new ListRestoresRequest(), Context("ListRestores"), _service.ListRestores);

    /// <summary>Starts WatchRestore; the call runs until the job ends, writing into the returned stream.</summary>
    public Watch WatchRestore(string jobId, CancellationToken cancellationToken = default)
    {
        var context = Context("WatchRestore", cancellationToken);
        var stream = new TestServerStreamWriter<RestoreProgress>(context);
        return new Watch(RunAsync(), stream);

        async Task RunAsync()
        {
            try
            {
                await _interceptor.ServerStreamingServerHandler(new WatchRestoreRequest { JobId = jobId }, stream,
                    context, _service.WatchRestore);
            }
            finally
            {
                stream.Complete();
            }
        }
    }

    /// <summary>A running WatchRestore call: <see cref="Call"/> ends when the service method returns.</summary>
    public sealed record Watch(Task Call, TestServerStreamWriter<RestoreProgress> Stream);

    /// <summary>A call as the operator "operator" makes it (the service reads its caller from the HTTP context).</summary>
    private static TestServerCallContext Context(string method, CancellationToken cancellationToken = default)
    {
        var context = TestServerCallContext.Create($"/restoreagents.v1.DataAgent/{method}", cancellationToken);
        context.UserState[HttpContextKey] = new DefaultHttpContext
        {
            User = CallerClaims.Principal(Caller, "test", [AccessRoles.Operator], "test"),
        };
        return context;
    }

    /// <summary>Who the calls come from.</summary>
    public const string Caller = "operator";

    // Where grpc-dotnet's GetHttpContext() finds the HTTP context of a call made without a host.
    private const string HttpContextKey = "__HttpContext";

    public async ValueTask DisposeAsync()
    {
        await _jobs.StopAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        _jobs.Dispose();
        _channels.Dispose();
        _folder.Dispose();
    }
}
