namespace RestoreAgents.Cli.Tests;

/// <summary>A wrong command line: exit code 2, one line on stderr, nothing sent.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'")]
    [InlineData(new[] { "copies", "--bogus" }, "'--bogus'")]
    [InlineData(new[] { "status", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "cancel", "-x" }, "unknown option '-x'")]
    [InlineData(new[] { "watch" }, "Required argument missing for command: 'watch'")]
    [InlineData(new[] { "cancel" }, "Required argument missing for command: 'cancel'")]
    [InlineData(new[] { "status", "--data-agent", "ftp://proxy:21" }, "is not an agent address")]
    [InlineData(new[] { "copies", "--media-agent", "" }, "is not an agent address")]
    [InlineData(new[] { "backup", "--store", "/tmp/store", "--name", "vm01" }, "'--image' is required")]
    public async Task UsageError_IsOneLine_AndExitCode2(string[] args, string expected)
    {
        var result = await CliRun.Of(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.Contains("--help", line);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task UsageError_NamesTheEnvironmentVariable_WhenItHoldsABadAddress()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_DATA_AGENT"] = "gopher://proxy" } };

        var result = await run.RunAsync("status");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("RESTOREAGENTS_DATA_AGENT", Assert.Single(result.ErrorLines));
    }
}
