using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// StartRestore checks every field of the request before it contacts anything, names the value it refuses, and
/// fills in the data agent's defaults for what the request leaves at zero.
/// </summary>
public sealed class StartRestoreTests(MediaAgentOnLoopback media) : IClassFixture<MediaAgentOnLoopback>, IAsyncLifetime
{
    private const uint MiB = 1024 * 1024;
    private readonly DataAgentUnderTest _agent = new(media.Pki, options =>
    {
        options.PageSizeBytes = 512 * 1024; // not the built-in 4 MiB, so a default is seen to come from here
        options.CacheSizeBytes = 6 * MiB;
    });

    public static TheoryData<string, Action<StartRestoreRequest>, string> RefusedRequests() => new()
    {
        { "no media agent", r => r.MediaAgentUrl = "", "media agent URL ''" },
        { "relative media agent", r => r.MediaAgentUrl = "backup-host:5010/x", "'backup-host:5010/x'" },
        { "ftp media agent", r => r.MediaAgentUrl = "ftp://backup-host/", "'ftp://backup-host/'" },
        { "plaintext media agent", r => r.MediaAgentUrl = "http://backup-host:5010/", "'http://backup-host:5010/' is plaintext" },
        { "empty copy name", r => r.CopyName = "", "copy name" },
        { "blank copy name", r => r.CopyName = "  ", "copy name" },
        { "page not a multiple of 512", r => r.PageSizeBytes = 1000, "1000" },
        { "page over 4 MiB", r => r.PageSizeBytes = 8 * MiB, "8388608" },
        { "cache under a page", r => (r.PageSizeBytes, r.CacheSizeBytes) = (4 * MiB, MiB), "1048576" },
        { "no destination", r => r.Destination = null, "destination" },
        { "no account", r => r.Destination.ConnectionString = "", "connection string or a container SAS URL" },
        { "bad container", r => r.Destination.Container = "Restores!", "Restores!" },
        { "no blob name", r => r.Destination.BlobName = "", "blob name" },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task StartRestore_RefusesABadField_WithInvalidArgumentNamingIt(string field,
        Action<StartRestoreRequest> spoil, string named)
    {
        var request = ValidRequest();
        spoil(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(request));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{field}: {error.Status}");
        Assert.Contains(named, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await _agent.ListRestoresAsync()).Jobs);
    }

    [Fact]
    public async Task StartRestore_TakesThePageAndCacheSizeFromTheOptions_WhenTheRequestLeavesThemAtZero()
    {
        var started = await _agent.StartRestoreAsync(ValidRequest());

        var job = Assert.Single((await _agent.ListRestoresAsync()).Jobs);
        Assert.Equal(started.JobId, job.JobId);
        Assert.Equal(512u * 1024, job.PageSizeBytes);
        Assert.Equal(6UL * MiB, job.CacheSizeBytes);
    }

    [Fact]
    public async Task StartRestore_KeepsThePageAndCacheSizeTheRequestGives()
    {
        var request = ValidRequest();
        request.PageSizeBytes = 64 * 1024;
        request.CacheSizeBytes = 3 * MiB;

        await _agent.StartRestoreAsync(request);

        var job = Assert.Single((await _agent.ListRestoresAsync()).Jobs);
        Assert.Equal(64u * 1024, job.PageSizeBytes);
        Assert.Equal(3UL * MiB, job.CacheSizeBytes);
        Assert.Equal(MediaAgentOnLoopback.CopyName, job.CopyName);
        Assert.Equal((ulong)MediaAgentOnLoopback.DiskSize, job.DiskSize);
    }

    [Fact]
    public async Task StartRestore_RecordsWhoStartedTheJob()
    {
        await _agent.StartRestoreAsync(ValidRequest());

        var job = Assert.Single((await _agent.ListRestoresAsync()).Jobs);
        Assert.Equal(DataAgentUnderTest.Caller, job.StartedBy);
    }

    [Fact]
    public async Task StartRestore_OfACopyTheMediaAgentLacks_IsNotFound_NamingTheCopyAndTheMediaAgent()
    {
        var request = ValidRequest();
        request.CopyName = "vm-missing";

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'vm-missing'", error.Status.Detail);
        Assert.Contains(media.Url.ToString(), error.Status.Detail);
    }

    private StartRestoreRequest ValidRequest() => new()
    {
        MediaAgentUrl = media.Url.ToString(),
        CopyName = MediaAgentOnLoopback.CopyName,
        Destination = CloudEndpoint.Refusing(),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _agent.DisposeAsync();
}
