using System.Diagnostics;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The data agent as a real process (its own build, as systemd runs it), for what an in-process host cannot do:
/// be killed with SIGKILL. Its output is kept for failure messages.
/// </summary>
internal sealed class DataAgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DataAgentProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the agent on a free port and returns once its health service answers.</summary>
    public static async Task<DataAgentProcess> StartAsync(params string[] settings)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[AgentDll(), "--urls", url.ToString(), .. settings])
            start.ArgumentList.Add(argument);
        var agent = new DataAgentProcess(Process.Start(start)!, url);
        await agent.WaitUntilServingAsync();
        return agent;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the OOM killer strikes.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>True when the process ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> ExitedWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the agent cancels its jobs and unmounts its pseudo-disk.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(Url);
        var health = new Health.HealthClient(channel);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the data agent exited with {_process.ExitCode}:\n{Output}");
            try
            {
                await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (Grpc.Core.RpcException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"the data agent did not serve at {Url} within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>The agent's own build (same configuration as the tests), with its own dependencies.</summary>
    private static string AgentDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepoPaths.Root, "src", "RestoreAgents.DataAgent", "bin", configuration, "net10.0",
            "RestoreAgents.DataAgent.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build src/RestoreAgents.DataAgent first");
    }
}
