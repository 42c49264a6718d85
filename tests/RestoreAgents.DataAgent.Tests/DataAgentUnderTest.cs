using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.DataAgent.Services;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The data agent's service behind its status-mapping interceptor, with its real job registry and runner (direct
/// mode, no FUSE), called as methods: what a controller would receive, without a host.
/// </summary>
internal sealed class DataAgentUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _cache = new("data-agent-cache");
    private readonly RestoreExceptionInterceptor _interceptor = new(NullLogger<RestoreExceptionInterceptor>.Instance);
    private readonly AgentChannels _channels;
    private readonly RestoreJobRegistry _jobs;
    private readonly DataAgentService _service;

    /// <param name="pki">Whose CA the media agent's certificate is of; the agent dials as its data agent.</param>
    public DataAgentUnderTest(TestPki pki, Action<DataAgentOptions>? configure = null)
    {
        _channels = pki.Channels(TestPki.DataAgent);
        var settings = new DataAgentOptions
        {
            CacheDirectory = _cache.Path,
            PseudoDisk = PseudoDiskMode.Direct,
            MediaAgentTimeout = TimeSpan.FromSeconds(20),
            Cloud = { MaxRetries = 0 },
        };
        configure?.Invoke(settings);
        var options = Options.Create(settings);
        var runner = new RestoreRunner(options, new DirectRestoreDiskFactory(), _channels, TimeProvider.System,
            NullLogger<RestoreRunner>.Instance);
        _jobs = new RestoreJobRegistry(options, runner, _channels, TimeProvider.System,
            NullLogger<RestoreJobRegistry>.Instance);
        _service = new DataAgentService(_jobs, TimeProvider.System);
    }

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
        _cache.Dispose();
    }
}
