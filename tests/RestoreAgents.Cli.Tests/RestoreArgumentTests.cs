using RestoreAgents.Cli.Tests.Fakes;

namespace RestoreAgents.Cli.Tests;

/// <summary>What `restore` accepts and what it sends: the destination rules and the sizes.</summary>
public sealed class RestoreArgumentTests : IAsyncLifetime
{
    private const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
    private const string SasUrl = "https://account.blob.core.windows.net/restores?sv=2024-08-04&sp=rcw&sig=c2lnbmF0dXJl";

    private FakeAgentHost _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeAgentHost.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string[] Restore(params string[] extra) =>
        ["restore", "--data-agent", _agent.Url, "--copy", "vm01", "--blob", "vm01.vhd", "--no-wait", .. extra];

    [Fact]
    public async Task Restore_RefusesBothConnectionStringAndSasUrl()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", ConnectionString,
            "--sas-url", SasUrl));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("either --connection-string or --sas-url, not both", Assert.Single(result.ErrorLines));
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Fact]
    public async Task Restore_RequiresAConnectionStringOrSasUrl_WhenTheEnvironmentHasNone()
    {
        var result = await CliRun.Of(Restore("--container", "restores"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("RESTOREAGENTS_CONNECTION_STRING", Assert.Single(result.ErrorLines));
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Fact]
    public async Task Restore_TakesTheConnectionStringFromTheEnvironment()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = ConnectionString } };

        var result = await run.RunAsync(Restore("--container", "restores"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(ConnectionString, request.Destination.ConnectionString);
        Assert.Equal("restores", request.Destination.Container);
        Assert.Equal("vm01.vhd", request.Destination.BlobName);
        Assert.Equal("vm01", request.CopyName);
    }

    [Fact]
    public async Task Restore_PrefersTheSasUrl_OverTheEnvironmentConnectionString()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = ConnectionString } };

        var result = await run.RunAsync(Restore("--sas-url", SasUrl));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(SasUrl, request.Destination.ContainerSasUrl);
        Assert.Equal("", request.Destination.ConnectionString);
    }

    [Fact]
    public async Task Restore_RequiresAContainer_WithAConnectionString()
    {
        var result = await CliRun.Of(Restore("--connection-string", ConnectionString));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--container is required", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Restore_RefusesAConnectionStringThatIsNotOne_WithoutQuotingIt()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", "hunter2-secret"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("not an Azure Storage connection string", line);
        Assert.DoesNotContain("hunter2-secret", line);
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Fact]
    public async Task Restore_SendsTheParsedSizes_AndTheFlags()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", ConnectionString,
            "--page-size", "64KiB", "--cache-size", "256MiB", "--overwrite", "--no-verify",
            "--media-agent", "http://backup-host:5010"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(64u * 1024, request.PageSizeBytes);
        Assert.Equal(256ul * 1024 * 1024, request.CacheSizeBytes);
        Assert.True(request.Overwrite);
        Assert.False(request.Verify);
        Assert.Equal("http://backup-host:5010/", request.MediaAgentUrl);
    }

    [Fact]
    public async Task Restore_LeavesSizesToTheDataAgent_AndVerifies_ByDefault()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", ConnectionString));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(0u, request.PageSizeBytes);
        Assert.Equal(0ul, request.CacheSizeBytes);
        Assert.True(request.Verify);
        Assert.False(request.Overwrite);
        Assert.Equal("https://127.0.0.1:5010/", request.MediaAgentUrl);
    }

    [Theory]
    [InlineData("1000", "page size 1000 is not a multiple of 512")]
    [InlineData("8MiB", "page size 8388608 is not a multiple of 512")]
    [InlineData("256", "page size 256 is not a multiple of 512")]
    [InlineData("4MB", "KB and MB are decimal units")]
    [InlineData("0", "greater than zero")]
    [InlineData("big", "'big' is not a size")]
    public async Task Restore_RefusesAPageSizeAzureCannotUse(string pageSize, string expected)
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", ConnectionString,
            "--page-size", pageSize));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("--page-size", line);
        Assert.Contains(expected, line);
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("0.5")]
    public async Task Restore_RefusesACacheSizeThatIsNotAPositiveSize(string cacheSize)
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--connection-string", ConnectionString,
            "--cache-size", cacheSize));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--cache-size", Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("--copy")]
    [InlineData("--blob")]
    public async Task Restore_RequiresTheCopyAndTheBlob(string missing)
    {
        string[] args = ["restore", "--data-agent", _agent.Url, "--container", "restores", "--connection-string",
            ConnectionString, "--copy", "vm01", "--blob", "vm01.vhd"];
        var index = Array.IndexOf(args, missing);
        var without = args.Take(index).Concat(args.Skip(index + 2)).ToArray();

        var result = await CliRun.Of(without);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"'{missing}' is required", Assert.Single(result.ErrorLines));
    }
}
