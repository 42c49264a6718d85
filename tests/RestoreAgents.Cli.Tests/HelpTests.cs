namespace RestoreAgents.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string> Commands => ["backup", "copies", "restore", "status", "watch", "cancel", "download", "mount"];

    [Fact]
    public async Task Help_ListsEveryCommand_AndTheExitCodes()
    {
        var result = await CliRun.Of("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("", result.Error);
        foreach (var command in Commands)
            Assert.Matches($@"(?m)^\s+{command}\b", result.Output);
        foreach (var code in new[] { "0", "1", "2", "3", "4", "130" })
            Assert.Matches($@"(?m)^\s+{code}\s+\S", result.Output);
        Assert.Contains("RESTOREAGENTS_CONNECTION_STRING", result.Output);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_OfEachCommand_ExitsZero_WithItsUsage(string command)
    {
        var result = await CliRun.Of(command, "--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        // The usage line names the executable (restorectl; the test host here), then the command.
        Assert.Matches($@"Usage:\s+\S+ {command}\b", result.Output);
        Assert.Contains("Exit codes:", result.Output);
    }

    [Fact]
    public async Task Help_OfRestore_ListsEveryOption()
    {
        var result = await CliRun.Of("restore", "--help");

        foreach (var option in new[] { "--data-agent", "--media-agent", "--destination", "--copy", "--container",
                     "--blob", "--sas-url", "--sas-url-file", "--page-size", "--cache-size", "--overwrite", "--verify", "--no-verify",
                     "--no-wait" })
            Assert.Contains(option, result.Output);
        Assert.DoesNotContain("--connection-string <", result.Output);
    }

    [Theory]
    [InlineData("download")]
    [InlineData("mount")]
    public async Task Help_OfTheCloudCommands_OffersEverySourceOfTheirSecrets(string command)
    {
        var result = await CliRun.Of(command, "--help");

        foreach (var option in new[] { "--connection-string", "--connection-string-file", "--sas-url", "--sas-url-file",
                     "RESTOREAGENTS_CONNECTION_STRING", "RESTOREAGENTS_SAS_URL" })
            Assert.Contains(option, result.Output);
        Assert.Contains("visible to other users", result.Output);
    }

    [Fact]
    public async Task Help_NeverShowsTheConnectionStringFromTheEnvironment()
    {
        var run = new CliRun
        {
            Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = "AccountKey=s3cr3t", ["RESTOREAGENTS_SAS_URL"] = "sig=s3cr3t" },
        };

        var download = await run.RunAsync("download", "--help");
        var restore = await run.RunAsync("restore", "--help");

        Assert.DoesNotContain("s3cr3t", download.Output + restore.Output);
    }

    [Fact]
    public async Task Help_ShowsAgentDefaults_FromTheEnvironment()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_DATA_AGENT"] = "http://proxy.example:7020" } };

        var result = await run.RunAsync("status", "--help");

        Assert.Contains("http://proxy.example:7020", result.Output);
    }
}
