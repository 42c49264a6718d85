using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// Who may do what (Access:Roles): a viewer lists and watches but cannot start or cancel; only a data agent streams
/// a copy; a job records who started it; the audit log names the caller of every start, cancel, stream and denial.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class RoleTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(30);
    private readonly RestoreDriver _driver = new(agents);

    private Task<string> AuditLine(string caller, string call, string outcome, string what = "") =>
        agents.Audit.LineAsync(l => l.StartsWith($"audit: caller={caller} (", StringComparison.Ordinal)
            && l.Contains($") call={call} outcome={outcome} {what}", StringComparison.Ordinal));

    [Fact]
    public async Task Viewer_CannotStartOrCancel_OperatorCan_AndTheJobRecordsWhoStartedIt()
    {
        var image = Path.Combine(agents.WorkPath, "roles.raw");
        await TestDiskImage.CreateAsync(image, 2L * MiB, seed: 61);
        await _driver.BackupAsync(image, "roles");
        var request = _driver.Request("roles", "roles.vhd", MiB, 2 * MiB);
        using var viewerChannel = agents.DataAgentChannel(TestPki.Viewer);
        using var operatorChannel = agents.DataAgentChannel(TestPki.Operator);
        var viewer = new Protocol.V1.DataAgent.DataAgentClient(viewerChannel);
        var @operator = new Protocol.V1.DataAgent.DataAgentClient(operatorChannel);

        var startDenied = await Assert.ThrowsAsync<RpcException>(() => viewer.StartRestoreAsync(request).ResponseAsync);
        var job = (await @operator.StartRestoreAsync(request)).JobId;
        var cancelDenied = await Assert.ThrowsAsync<RpcException>(() =>
            viewer.CancelRestoreAsync(new CancelRestoreRequest { JobId = job }).ResponseAsync);
        await @operator.CancelRestoreAsync(new CancelRestoreRequest { JobId = job });

        Assert.Equal(StatusCode.PermissionDenied, startDenied.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, cancelDenied.StatusCode);
        var listed = (await viewer.ListRestoresAsync(new ListRestoresRequest())).Jobs.Single(j => j.JobId == job);
        Assert.Equal(TestPki.Operator, listed.StartedBy);
        await AuditLine(TestPki.Viewer, "/restoreagents.v1.DataAgent/StartRestore", "denied", "needs role operator")
            .WaitAsync(AuditWait);
        await AuditLine(TestPki.Operator, "/restoreagents.v1.DataAgent/StartRestore", "allowed", "copy=roles")
            .WaitAsync(AuditWait);
        var started = await agents.Audit.LineAsync(l => l.Contains($"job={job}", StringComparison.Ordinal)
            && l.Contains("StartRestore outcome=allowed", StringComparison.Ordinal)).WaitAsync(AuditWait);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, started);
        await AuditLine(TestPki.Viewer, "/restoreagents.v1.DataAgent/CancelRestore", "denied").WaitAsync(AuditWait);
        await AuditLine(TestPki.Operator, "/restoreagents.v1.DataAgent/CancelRestore", "allowed", $"job={job}")
            .WaitAsync(AuditWait);
    }

    [Theory]
    [InlineData(TestPki.Operator)]
    [InlineData(TestPki.Viewer)]
    public async Task OnlyADataAgent_StreamsACopy(string who)
    {
        var image = Path.Combine(agents.WorkPath, $"stream-{who}.raw");
        await TestDiskImage.CreateAsync(image, MiB, seed: 62, dataFraction: 1.0);
        await _driver.BackupAsync(image, $"stream-{who}");
        using var denied = agents.MediaAgentChannel(who);
        using var allowed = agents.MediaAgentChannel(TestPki.DataAgent);
        var request = new StreamBlocksRequest { CopyName = $"stream-{who}" };

        using var refused = new Protocol.V1.MediaAgent.MediaAgentClient(denied).StreamBlocks(request);
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext(CancellationToken.None));
        using var stream = new Protocol.V1.MediaAgent.MediaAgentClient(allowed).StreamBlocks(request);
        long received = 0;
        await foreach (var block in stream.ResponseStream.ReadAllAsync())
            received += block.Data.Length;

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(MiB, received);
        await AuditLine(who, "/restoreagents.v1.MediaAgent/StreamBlocks", "denied", "needs role data-agent")
            .WaitAsync(AuditWait);
        await AuditLine(TestPki.DataAgent, "/restoreagents.v1.MediaAgent/StreamBlocks", "allowed", $"copy=stream-{who}")
            .WaitAsync(AuditWait);
        // A viewer may still see what copies there are (restorectl copies).
        if (who == TestPki.Viewer)
            Assert.Contains((await new Protocol.V1.MediaAgent.MediaAgentClient(denied)
                .ListCopiesAsync(new ListCopiesRequest())).Copies, c => c.Name == $"stream-{who}");
    }
}
