using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>Nothing listens at the address: exit code 3 and one line naming the agent, never a stack trace.</summary>
public sealed class UnreachableAgentTests
{
    private static readonly string ClosedUrl = $"http://127.0.0.1:{FreePort.Next()}";

    public static TheoryData<string[], string> Commands => new()
    {
        { ["status", "--data-agent", ClosedUrl], "data agent" },
        { ["watch", "--data-agent", ClosedUrl, "r-1"], "data agent" },
        { ["cancel", "--data-agent", ClosedUrl, "r-1"], "data agent" },
        { ["copies", "--media-agent", ClosedUrl], "media agent" },
        {
            ["restore", "--data-agent", ClosedUrl, "--media-agent", "backup-1", "--destination", "prod", "--copy", "vm01",
                "--container", "restores", "--blob", "vm01.vhd"], "data agent"
        },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task UnreachableAgent_IsOneLine_AndExitCode3(string[] args, string role)
    {
        var result = await CliRun.Of(args);

        Assert.Equal(ExitCodes.AgentUnreachable, result.ExitCode);
        Assert.Equal($"error: cannot reach the {role} at {ClosedUrl}: connection refused", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task UnreachableAgent_FromTheEnvironmentDefault_IsNamed()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_MEDIA_AGENT"] = ClosedUrl } };

        var result = await run.RunAsync("copies");

        Assert.Equal(ExitCodes.AgentUnreachable, result.ExitCode);
        Assert.Contains($"cannot reach the media agent at {ClosedUrl}", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task UnknownHost_IsOneLine_AndExitCode3()
    {
        var result = await CliRun.Of("status", "--data-agent", "http://no-such-host.invalid:5020");

        Assert.Equal(ExitCodes.AgentUnreachable, result.ExitCode);
        Assert.Equal("error: cannot reach the data agent at http://no-such-host.invalid:5020: unknown host",
            Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task RealProcess_PrintsOneLine_AndExits3_WithoutAStackTrace()
    {
        var restorectl = RestorectlProcess.Path;

        var result = await ProcessRunner.RunAsync("dotnet", [restorectl, "status", "--data-agent", ClosedUrl]);

        Assert.Equal(ExitCodes.AgentUnreachable, result.ExitCode);
        Assert.Equal($"error: cannot reach the data agent at {ClosedUrl}: connection refused", result.StandardError.Trim());
        Assert.DoesNotContain(" at ", result.StandardError.Replace($" at {ClosedUrl}", ""));
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task RealProcess_ExitsWithUsageCode_ForAnUnknownCommand()
    {
        var restorectl = RestorectlProcess.Path;

        var result = await ProcessRunner.RunAsync("dotnet", [restorectl, "restroe"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
