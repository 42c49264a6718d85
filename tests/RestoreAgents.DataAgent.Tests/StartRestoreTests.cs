using Google.Protobuf;
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
    private const string Sas = "?sv=2025-01-05&sr=c&sp=rcw&sig=c2lnbmF0dXJl";
    private readonly DataAgentUnderTest _agent = new(media.Pki, media.Url, configure: options =>
    {
        options.PageSizeBytes = 512 * 1024; // not the built-in 4 MiB, so a default is seen to come from here
        options.CacheSizeBytes = 6 * MiB;
    });

    public static TheoryData<string, Action<StartRestoreRequest>, string> RefusedRequests() => new()
    {
        { "no media agent", r => r.MediaAgent = "", "names no media agent" },
        { "unknown media agent", r => r.MediaAgent = "backup-2", "no media agent named 'backup-2' is configured" },
        { "a URL for a media agent", r => r.MediaAgent = "http://127.0.0.1:5010", "no media agent named 'http://127.0.0.1:5010'" },
        { "empty copy name", r => r.CopyName = "", "copy name" },
        { "blank copy name", r => r.CopyName = "  ", "copy name" },
        { "page not a multiple of 512", r => r.PageSizeBytes = 1000, "1000" },
        { "page over 4 MiB", r => r.PageSizeBytes = 8 * MiB, "8388608" },
        { "cache under a page", r => (r.PageSizeBytes, r.CacheSizeBytes) = (4 * MiB, MiB), "the cache of 1 MiB (--cache-size, else DataAgent:CacheSizeBytes) is smaller than one page of 4 MiB" },
        { "no target", r => r.Target = null, "target is missing" },
        { "no destination", r => r.Target.Destination = "", "names no destination" },
        { "unknown destination", r => r.Target.Destination = "prod", "no destination named 'prod' is configured" },
        { "bad container", r => r.Target.Container = "Restores!", "Restores!" },
        { "no blob name", r => r.Target.BlobName = "", "blob name is empty" },
        { "blob leaving its container", r => r.Target.BlobName = "../../internal/admin/reset", "segment '..'" },
        { "blob with a dot segment", r => r.Target.BlobName = "a/./vm01.vhd", "segment '.'" },
        { "blob with a backslash", r => r.Target.BlobName = @"..\admin", "backslash" },
        { "blob with a control character", r => r.Target.BlobName = "vm01\u0007.vhd", "control character U+0007" },
        { "container with a newline", r => r.Target.Container = "restores\n", "Invalid container 'restores?'" },
        { "a SAS for a destination that takes none", r => r.Target.SasUrl = "https://acct.blob.core.windows.net/restores" + Sas,
            "destination 'cloud' takes no SAS URL" },
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
        Assert.DoesNotContain('\n', error.Status.Detail);
        Assert.Empty((await _agent.ListRestoresAsync()).Jobs);
    }

    [Fact]
    public async Task StartRestore_FromAClientThatSendsCredentials_IsRefused_AndKeepsNoneOfThem()
    {
        // What a restorectl of before named destinations sends: field 1, the media agent's URL, and field 3, a
        // destination holding a connection string. Both numbers are reserved now.
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName=a;AccountKey={AzuriteFixture.AccountKey};";
        var oldDestination = Encode(output =>
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString(connectionString);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteString("restores");
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteString("vm01.vhd");
        });
        var oldRequest = Encode(output =>
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString(media.Url.ToString());
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString(MediaAgentOnLoopback.CopyName);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(oldDestination));
        });

        var parsed = StartRestoreRequest.Parser.ParseFrom(oldRequest);
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(parsed));

        Assert.Equal("", parsed.MediaAgent);
        Assert.Null(parsed.Target);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("names no media agent", error.Status.Detail);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.Status.Detail);
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
    public async Task StartRestore_MatchesTheMediaAgentAndDestinationNames_WithoutRegardToCase()
    {
        var request = ValidRequest();
        request.MediaAgent = "BACKUP";
        request.Target.Destination = "Cloud";

        await _agent.StartRestoreAsync(request);

        Assert.Single((await _agent.ListRestoresAsync()).Jobs);
    }

    [Fact]
    public async Task StartRestore_RecordsWhoStartedTheJob()
    {
        await _agent.StartRestoreAsync(ValidRequest());

        var job = Assert.Single((await _agent.ListRestoresAsync()).Jobs);
        Assert.Equal(DataAgentUnderTest.Caller, job.StartedBy);
    }

    [Fact]
    public async Task StartRestore_OfACopyTheMediaAgentLacks_IsNotFound_NamingTheCopyAndTheMediaAgentByName()
    {
        var request = ValidRequest();
        request.CopyName = "vm-missing";

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StartRestoreAsync(request));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("copy 'vm-missing' is not in the store of media agent 'backup'", error.Status.Detail);
    }

    private static StartRestoreRequest ValidRequest() => DataAgentUnderTest.Request(MediaAgentOnLoopback.CopyName);

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        write(output);
        output.Flush();
        return bytes.ToArray();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _agent.DisposeAsync();
}
