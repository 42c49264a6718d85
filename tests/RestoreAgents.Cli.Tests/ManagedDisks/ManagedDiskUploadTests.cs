using Azure.Core;
using Azure.ResourceManager.Compute.Models;
using RestoreAgents.Cli.ManagedDisks;
using RestoreAgents.Testing.FakeArm;

namespace RestoreAgents.Cli.Tests.ManagedDisks;

/// <summary>
/// The direct-upload flow through Azure.ResourceManager.Compute against <see cref="FakeArmServer"/>, a loopback
/// HTTPS server answering as Azure's REST reference documents: create for upload, grant write access, run the
/// restore with the SAS, revoke access, and revoke also when the restore fails or is cancelled.
/// </summary>
public sealed class ManagedDiskUploadTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private const string DiskId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/restores/"
        + "providers/Microsoft.Compute/disks/vm01-os";
    private FakeArmServer _arm = null!;
    private readonly StringWriter _log = new();

    public async Task InitializeAsync() => _arm = await FakeArmServer.StartAsync();

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task Create_CreatesForUpload_GrantsWrite_RunsTheRestoreWithTheSas_ThenRevokes()
    {
        string? stateDuringRestore = null;
        ManagedDiskGrant? given = null;
        var asked = DateTimeOffset.UtcNow;

        var result = await Upload().RunAsync(Plan(create: true), (grant, _) =>
        {
            given = grant;
            stateDuringRestore = _arm.StateOf(DiskId);
            return Task.FromResult(42);
        }, CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(_arm.AccessSas, given!.SasUrl);
        Assert.InRange(given.ExpiresOn, asked + TimeSpan.FromHours(6), DateTimeOffset.UtcNow + TimeSpan.FromHours(6));
        Assert.Equal("ActiveUpload", stateDuringRestore);
        Assert.Equal("Unattached", _arm.StateOf(DiskId));
        Assert.Equal(CreatedGrantedRevoked, Calls());
        var create = _arm.Requests.First(r => r.Method == "PUT").Body!;
        Assert.Equal("westeurope", (string?)create["location"]);
        Assert.Equal("Standard_LRS", (string?)create["sku"]!["name"]);
        Assert.Equal("Upload", (string?)create["properties"]!["creationData"]!["createOption"]);
        Assert.Equal(21 * MiB + 512, (long?)create["properties"]!["creationData"]!["uploadSizeBytes"]);
        Assert.Null(create["properties"]!["creationData"]!["logicalSectorSize"]);
        var grantBody = _arm.Requests.Single(r => r.Path.EndsWith("/beginGetAccess", StringComparison.Ordinal)).Body!;
        Assert.Equal("Write", (string?)grantBody["access"]);
        Assert.Equal(6 * 3600, (int?)grantBody["durationInSeconds"]);
        // Every call was polled to its end, signed, and named its API version.
        Assert.True(_arm.Requests.Count(r => r.Path.StartsWith("/operations/", StringComparison.Ordinal)) >= 6,
            string.Join(", ", _arm.Requests));
        Assert.All(_arm.Requests, r => Assert.Equal(FixedTokenCredential.Token, r.BearerToken));
        Assert.All(_arm.Requests.Where(r => !r.Path.StartsWith("/operations/", StringComparison.Ordinal)),
            r => Assert.False(string.IsNullOrEmpty(r.ApiVersion), $"{r} has no api-version"));
    }

    [Fact]
    public async Task Create_OfAnSkuThatNeedsIt_Asks512ByteLogicalSectors()
    {
        var plan = Plan(create: true) with { Sku = DiskStorageAccountType.PremiumV2Lrs };

        await Upload().RunAsync(plan, (_, _) => Task.FromResult(0), CancellationToken.None);

        var create = _arm.Requests.First(r => r.Method == "PUT").Body!;
        Assert.Equal(512, (int?)create["properties"]!["creationData"]!["logicalSectorSize"]);
    }

    [Fact]
    public async Task WhenTheRestoreFails_AccessIsRevokedAll_TheSame_AndTheFailureIsTheOneReported()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Upload().RunAsync<int>(
            Plan(create: true), (_, _) => throw new InvalidOperationException("the media agent went away"),
            CancellationToken.None));

        Assert.Equal("the media agent went away", failure.Message);
        Assert.Equal(CreatedGrantedRevoked, Calls());
        Assert.Equal("Unattached", _arm.StateOf(DiskId));
    }

    [Fact]
    public async Task WhenTheRestoreIsCancelled_AccessIsRevokedAll_TheSame()
    {
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Upload().RunAsync(Plan(create: true),
            async (_, token) =>
            {
                await cancel.CancelAsync();
                token.ThrowIfCancellationRequested();
                return 0;
            }, cancel.Token));

        Assert.Equal(CreatedGrantedRevoked, Calls());
    }

    [Fact]
    public async Task WhenGrantingIsRefused_ItFailsNamingTheDisk_AndStillRevokes()
    {
        _arm.GrantFailsWith = 409;

        var failure = await Assert.ThrowsAsync<ManagedDiskException>(() => Upload().RunAsync(Plan(create: true),
            (_, _) => Task.FromResult(0), CancellationToken.None));

        Assert.Contains(DiskId, failure.Message);
        Assert.Contains("409", failure.Message);
        Assert.Equal(CreatedGrantedRevoked, Calls());
    }

    [Theory]
    [InlineData("ReadyToUpload")]
    [InlineData("ActiveUpload")]
    public async Task WithoutCreate_ADiskWaitingForUpload_IsGrantedAndRevoked_NeverCreated(string state)
    {
        _arm.AddDisk(DiskId, state, 21 * MiB + 512);

        await Upload().RunAsync(Plan(create: false), (_, _) => Task.FromResult(0), CancellationToken.None);

        Assert.Equal(["GET disk", "POST disk/beginGetAccess", "POST disk/endGetAccess"], Calls());
    }

    [Theory]
    [InlineData("Unattached")]
    [InlineData("Attached")]
    public async Task WithoutCreate_ADiskThatTakesNoUpload_IsRefusedNamingItsState_BeforeAnyGrant(string state)
    {
        _arm.AddDisk(DiskId, state, 21 * MiB + 512);
        var restored = false;

        var failure = await Assert.ThrowsAsync<ManagedDiskException>(() => Upload().RunAsync(Plan(create: false),
            (_, _) => Task.FromResult(restored = true), CancellationToken.None));

        Assert.Contains(state, failure.Message);
        Assert.Contains("ReadyToUpload", failure.Message);
        Assert.False(restored);
        Assert.Equal(["GET disk"], Calls());
    }

    [Theory]
    [InlineData(19 * MiB + 512, "below Azure's smallest")]
    [InlineData(20 * MiB + 512 + 4096, "whole number of MiB")]
    public async Task Create_OfASizeAzureRefuses_FailsBeforeAnyRequest(long uploadBytes, string expected)
    {
        var failure = await Assert.ThrowsAsync<ManagedDiskException>(() => Upload().RunAsync(
            Plan(create: true) with { UploadBytes = uploadBytes }, (_, _) => Task.FromResult(0),
            CancellationToken.None));

        Assert.Contains(expected, failure.Message);
        Assert.Empty(_arm.Requests);
    }

    /// <summary>The create's final GET is the SDK reading the disk at its own URL once the operation succeeded.</summary>
    private static readonly string[] CreatedGrantedRevoked =
        ["PUT disk", "GET disk", "POST disk/beginGetAccess", "POST disk/endGetAccess"];

    private static ManagedDiskPlan Plan(bool create) => new(new ResourceIdentifier(DiskId), create, 21 * MiB + 512,
        "westeurope", DiskStorageAccountType.StandardLrs, TimeSpan.FromHours(6));

    private ManagedDiskUpload Upload() => new(_arm.CreateClient(), TimeProvider.System, _log);

    /// <summary>The Resource Manager calls, polls left out, with the disk's id shortened to "disk".</summary>
    private string[] Calls() => _arm.Requests
        .Where(r => !r.Path.StartsWith("/operations/", StringComparison.Ordinal))
        .Select(r => $"{r.Method} {r.Path.Replace(DiskId, "disk", StringComparison.OrdinalIgnoreCase)}")
        .ToArray();
}
