using Grpc.Core;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing.FakeArm;

namespace RestoreAgents.Cli.Tests.ManagedDisks;

/// <summary>
/// `restorectl restore --managed-disk ID [--create]` end to end against a fake data agent and
/// <see cref="FakeArmServer"/>: the disk is made and granted, the data agent gets the disk's SAS with the expiry
/// restorectl asked for, and access is revoked when the job ends, also when the data agent refuses it.
/// </summary>
public sealed class RestoreIntoManagedDiskTests : IAsyncLifetime
{
    private const string DiskId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/restores/"
        + "providers/Microsoft.Compute/disks/vm01-os";
    private FakeAgentHost _agent = null!;
    private FakeArmServer _arm = null!;

    public async Task InitializeAsync()
    {
        _agent = await FakeAgentHost.StartAsync();
        _arm = await FakeArmServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _arm.DisposeAsync();
    }

    [Fact]
    public async Task Restore_WithCreate_MakesTheDisk_SendsItsSasAndExpiry_AndRevokesWhenTheJobEnds()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Completed(verified: true));
        var asked = DateTimeOffset.UtcNow;

        var result = await Run().RunAsync(Restore("--create", "--disk-size", "21MiB", "--location", "westeurope",
            "--sas-hours", "2"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(_arm.AccessSas, request.Target.SasUrl);
        Assert.Equal("disk", request.Target.Container);
        Assert.Equal("abcd", request.Target.BlobName);
        Assert.InRange(request.Target.SasExpiresAt.ToDateTimeOffset(), asked.AddHours(2), DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(21L * 1024 * 1024 + 512,
            (long?)_arm.Requests.First(r => r.Method == "PUT").Body!["properties"]!["creationData"]!["uploadSizeBytes"]);
        Assert.Contains(_arm.Requests, r => r.Path.EndsWith("/endGetAccess", StringComparison.Ordinal));
        Assert.Equal("Unattached", _arm.StateOf(DiskId));
        Assert.DoesNotContain("sig=", result.Output + result.Error);
    }

    [Fact]
    public async Task Restore_TheDataAgentRefuses_StillRevokesAccess()
    {
        _arm.AddDisk(DiskId, "ReadyToUpload", 21L * 1024 * 1024 + 512);
        _agent.DataAgent.StartFailure = new RpcException(new Status(StatusCode.FailedPrecondition,
            "managed disk blob is 23069184 bytes, but copy 'vm01' needs exactly 22020608"));

        var result = await Run().RunAsync(Restore());

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("needs exactly 22020608", result.Error);
        Assert.DoesNotContain(_arm.Requests, r => r.Method == "PUT");
        Assert.Contains(_arm.Requests, r => r.Path.EndsWith("/endGetAccess", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--no-wait")]
    [InlineData("--sas-url", "https://md-impexp-x.blob.core.windows.net/disk/abcd?sr=b&sig=c2ln")]
    [InlineData("--create")]
    public async Task Restore_WithManagedDisk_RefusesOptionsThatCannotGoWithIt_BeforeAnyCall(params string[] extra)
    {
        var result = await Run().RunAsync(Restore(extra));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(_arm.Requests);
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    private string[] Restore(params string[] extra) =>
    [
        "restore", "--data-agent", _agent.Url, "--media-agent", "backup-1", "--destination", "disks", "--copy", "vm01",
        "--managed-disk", DiskId, .. extra,
    ];

    private CliRun Run() => new() { ResourceManager = _arm.CreateClient };
}
