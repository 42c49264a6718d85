using System.Diagnostics;
using Grpc.Net.Client;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// A media or data agent as a real process, as run-demo starts it: its Release build under dotnet, on a free
/// loopback port, its output in a log file. Stopped with SIGTERM, as systemd stops it.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _logClosed;

    private AgentProcess(string name, Process process, Uri url, string logPath, StreamWriter log)
    {
        Name = name;
        _process = process;
        Url = url;
        LogPath = logPath;
        _log = log;
    }

    public string Name { get; }
    public Uri Url { get; }
    public string LogPath { get; }
    public int Id => _process.Id;

    /// <summary>The agent's resident memory now and its high-water mark since it started.</summary>
    public ProcStatus Memory() => ProcStatus.Read(_process.Id);

    /// <summary>User and system CPU the agent has used since it started.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>
    /// Starts src/<paramref name="project"/>'s Release build and returns once <paramref name="ready"/> answers
    /// over gRPC (the host has started, hosted services included).
    /// </summary>
    public static async Task<AgentProcess> StartAsync(string name, string project, IEnumerable<string> settings,
        string logPath, Func<GrpcChannel, CancellationToken, Task> ready, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(RepoPaths.Root, "src", project, "bin", "Release", "net10.0", project + ".dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is missing: build in Release first (bench/run does)");

        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, "--urls", url.ToString(), .. settings])
            start.ArgumentList.Add(argument);

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var agent = new AgentProcess(name, process, url, logPath, log);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await agent.WaitUntilReadyAsync(ready, cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>The end of the agent's log, for error messages.</summary>
    public string LogTail(int lines = 20)
    {
        lock (_log)
        {
            if (!_logClosed) _log.Flush();
        }
        return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the agent cancels its jobs and unmounts its pseudo-disk, as under systemd.
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()], TimeSpan.FromSeconds(10));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(Func<GrpcChannel, CancellationToken, Task> ready,
        CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(Url);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"the {Name} exited with {_process.ExitCode} at start; its log {LogPath} ends:\n{LogTail()}");
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await ready(channel, attempt.Token);
                return;
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException
                                      && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
        throw new TimeoutException($"the {Name} did not answer at {Url} within 60 s; its log {LogPath} ends:\n{LogTail()}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (!_logClosed) _log.WriteLine(line);
        }
    }
}
