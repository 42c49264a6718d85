using Grpc.Core;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// StartRestore admits a job only within the data agent's means: a full queue (DataAgent:MaxQueuedJobs) and a cache
/// over DataAgent:MaxCacheSizeBytes are refused before any job exists, and so is a cache the cache folder has no
/// room for; a place is given back when its job ends.
/// </summary>
public sealed class JobAdmissionTests : IClassFixture<MediaAgentOnLoopback>, IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    // The destination's cloud accepts connections and never answers: an admitted job holds its place.
    private readonly SilentEndpoint _silent = new();
    private readonly DataAgentUnderTest _agent;

    public JobAdmissionTests(MediaAgentOnLoopback media)
    {
        _agent = new(media.Pki, media.Url, _silent.Port, options =>
        {
            options.MaxConcurrentJobs = 1;
            options.MaxQueuedJobs = 1;
            options.CacheSizeBytes = 4 * MiB;
            options.MaxCacheSizeBytes = 8 * MiB;
        });
    }

    [Fact]
    public async Task StartRestore_BeyondTheQueue_IsResourceExhausted_NamingTheSettings_UntilAJobEnds()
    {
        var running = await _agent.StartRestoreAsync(Request());
        await _agent.StartRestoreAsync(Request()); // queued behind it

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(Request()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("DataAgent:MaxQueuedJobs (1)", error.Status.Detail);
        Assert.Contains("DataAgent:MaxConcurrentJobs (1)", error.Status.Detail);
        Assert.Equal(2, (await _agent.ListRestoresAsync()).Jobs.Count);

        await _agent.CancelRestoreAsync(running.JobId);
        await _agent.WatchRestore(running.JobId).Call;

        await _agent.StartRestoreAsync(Request());
        Assert.Equal(3, (await _agent.ListRestoresAsync()).Jobs.Count);
    }

    [Fact]
    public async Task StartRestore_OfACacheOverTheCeiling_IsInvalidArgument_NamingBothSizes()
    {
        var request = Request();
        request.CacheSizeBytes = 12 * MiB;

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("12 MiB", error.Status.Detail);
        Assert.Contains("DataAgent:MaxCacheSizeBytes", error.Status.Detail);
        Assert.Contains("(8 MiB)", error.Status.Detail);
        Assert.Empty((await _agent.ListRestoresAsync()).Jobs);
    }

    [Fact]
    public void Admit_BeyondTheCacheFoldersFreeSpace_IsResourceExhausted_UntilATicketIsGivenBack()
    {
        using var folder = new TempDirectory("admission");
        var admission = new JobAdmission(Options(folder.Path), _ => 10 * MiB);
        var first = admission.Admit(6 * MiB);

        var error = Assert.Throws<RestoreRejectedException>(() => admission.Admit(6 * MiB));

        Assert.Equal(StatusCode.ResourceExhausted, error.Status);
        Assert.Contains($"DataAgent:CacheDirectory '{folder.Path}'", error.Message);
        Assert.Contains("has 10 MiB free", error.Message);
        first.Dispose();
        first.Dispose(); // given back once only
        Assert.Equal(0, admission.Admitted);
        admission.Admit(6 * MiB);
        Assert.Equal(1, admission.Admitted);
    }

    [Fact]
    public void Admit_CountsWhatRunningJobsCachesHoldAlready_AsTheirsNotFree()
    {
        using var folder = new TempDirectory("admission-held");
        // A running job's cache file has taken 4 MiB of its 6 MiB reservation out of what the file system reports.
        Directory.CreateDirectory(folder.Combine(RestoreJobRegistry.JobIdPrefix + "000000000001"));
        File.WriteAllBytes(folder.Combine(RestoreJobRegistry.JobIdPrefix + "000000000001", "disk.pagecache"),
            new byte[4 * MiB]);
        var admission = new JobAdmission(Options(folder.Path), _ => 6 * MiB);
        admission.Admit(6 * MiB);

        admission.Admit(4 * MiB);

        Assert.Throws<RestoreRejectedException>(() => admission.Admit(1 * MiB));
    }

    private static DataAgentOptions Options(string cacheDirectory) => new()
    {
        CacheDirectory = cacheDirectory,
        MaxConcurrentJobs = 4,
        MaxQueuedJobs = 16,
        MaxCacheSizeBytes = 8 * MiB,
    };

    private static StartRestoreRequest Request() => DataAgentUnderTest.Request(MediaAgentOnLoopback.CopyName);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _silent.DisposeAsync();
    }
}
