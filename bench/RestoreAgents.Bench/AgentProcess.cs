using System.Diagnostics;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench;

/// <summary>An agent as the operator runs it: its Release build in a process of its own, on a free port.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AgentProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public int Id => _process.Id;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <param name="project">RestoreAgents.MediaAgent or RestoreAgents.DataAgent.</param>
    public static async Task<AgentProcess> StartAsync(string project, params string[] settings)
    {
        var dll = Path.Combine(RepoPaths.Root, "src", project, "bin", "Release", "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run bench/run, which builds it");
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["Logging__LogLevel__Default"] = "Warning" },
        };
        foreach (var argument in (string[])[dll, "--urls", url.ToString(), .. settings])
            start.ArgumentList.Add(argument);
        var agent = new AgentProcess(Process.Start(start)!, url);
        await agent.WaitUntilServingAsync(project);
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM, as systemd stops it: the data agent unmounts its pseudo-disk.
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
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

    private async Task WaitUntilServingAsync(string project)
    {
        using var channel = GrpcChannel.ForAddress(Url);
        var health = new Health.HealthClient(channel);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{project} exited with {_process.ExitCode}:\n{Log}");
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
        throw new TimeoutException($"{project} did not serve at {Url} within 60 s:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }
}
