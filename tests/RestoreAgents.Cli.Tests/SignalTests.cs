using System.Diagnostics;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>The real process under SIGTERM or Ctrl+C: stops watching, says the job goes on, exits 130.</summary>
public sealed class SignalTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_WhileWatching_Exits130_WithOneLine(string signal)
    {
        await using var agent = await FakeAgentHost.StartAsync();
        agent.DataAgent.Progress.Add(CannedProgress.Running(16));
        agent.DataAgent.WatchNeverEnds = true;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RestorectlProcess.Path, "watch", "--data-agent", agent.Url, FakeDataAgent.JobId },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            // The first progress line means the watch is running and the signal handlers are in place.
            var firstLine = await HangGuard.Within(process.StandardOutput.ReadLineAsync(), "restorectl watch's first line");
            Assert.Contains("running", firstLine);

            await ProcessRunner.RunCheckedAsync("kill", $"-{signal}", process.Id.ToString());
            await HangGuard.Within(process.WaitForExitAsync(), $"restorectl watch to exit on SIG{signal}");

            Assert.Equal(ExitCodes.Interrupted, process.ExitCode);
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"interrupted; job {FakeDataAgent.JobId} keeps running", line);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
