using System.Diagnostics;
using System.Text;

namespace RestoreAgents.Testing;

/// <summary>
/// An agent as the operator runs it: its own build (the caller's configuration) in a process of its own, on a
/// free loopback port over mutual TLS with certificates of a <see cref="TestPki"/>, started once Kestrel says it
/// listens. For what an in-process host cannot show: a SIGKILL, SIGHUP, the process's own memory high-water mark.
/// Its output is kept for failure messages and for tests that wait for a line.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, Uri url, TestPki pki)
    {
        _process = process;
        Url = url;
        Pki = pki;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    /// <summary>The PKI whose certificates the agent presents and trusts.</summary>
    public TestPki Pki { get; }

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="project">RestoreAgents.MediaAgent or RestoreAgents.DataAgent.</param>
    /// <param name="pki">Its certificate, CA and roles: <see cref="TestPki.MediaAgentSettings"/> or <see cref="TestPki.DataAgentSettings"/>.</param>
    /// <param name="settings">Command-line settings, e.g. --DataAgent:CacheDirectory=...</param>
    public static Task<AgentProcess> StartAsync(string project, TestPki pki, params string[] settings) =>
        StartAsync([], project, pki, settings);

    /// <param name="prefix">A command that runs the agent's command, e.g. <see cref="HostWithout.PrefixAsync"/>'s.</param>
    /// <param name="project">RestoreAgents.MediaAgent or RestoreAgents.DataAgent.</param>
    /// <param name="pki">Its certificate, CA and roles: <see cref="TestPki.MediaAgentSettings"/> or <see cref="TestPki.DataAgentSettings"/>.</param>
    /// <param name="settings">Command-line settings, e.g. --DataAgent:CacheDirectory=...</param>
    public static Task<AgentProcess> StartAsync(IReadOnlyList<string> prefix, string project, TestPki pki,
        params string[] settings) =>
        StartAsync(prefix, new Uri($"https://127.0.0.1:{FreePort.Next()}"), project, pki, settings);

    /// <summary>Starts the agent at <paramref name="url"/>: e.g. again where a killed one listened.</summary>
    /// <param name="project">RestoreAgents.MediaAgent or RestoreAgents.DataAgent.</param>
    /// <param name="pki">Its certificate, CA and roles.</param>
    /// <param name="settings">Command-line settings.</param>
    public static Task<AgentProcess> StartAtAsync(Uri url, string project, TestPki pki, params string[] settings) =>
        StartAsync([], url, project, pki, settings);

    /// <summary>
    /// Runs the agent with settings that should stop it at start, and returns how it ended: a test fails with a
    /// TimeoutException if it still runs after <paramref name="timeout"/>.
    /// </summary>
    /// <param name="project">RestoreAgents.MediaAgent or RestoreAgents.DataAgent.</param>
    /// <param name="pki">Its certificate, CA and roles.</param>
    /// <param name="timeout">How long a refusal may take.</param>
    /// <param name="settings">Command-line settings, after the working ones (so they win).</param>
    public static Task<ProcessResult> RunUntilExitAsync(string project, TestPki pki, TimeSpan timeout,
        params string[] settings)
    {
        string[] command = Command([], new Uri($"https://127.0.0.1:{FreePort.Next()}"), project, pki, settings);
        return ProcessRunner.RunAsync(command[0], command[1..], timeout);
    }

    private static string[] Command(IReadOnlyList<string> prefix, Uri url, string project, TestPki pki,
        string[] settings)
    {
        var dll = Path.Combine(RepoPaths.Root, "src", project, "bin", CallerConfiguration(), "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build {project} first");
        string[] security = project.Contains("Media", StringComparison.Ordinal)
            ? pki.MediaAgentSettings()
            : pki.DataAgentSettings();
        return [.. prefix, "dotnet", dll, "--urls", url.ToString(), .. security, .. settings];
    }

    private static async Task<AgentProcess> StartAsync(IReadOnlyList<string> prefix, Uri url, string project,
        TestPki pki, string[] settings)
    {
        var command = Command(prefix, url, project, pki, settings);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..])
            start.ArgumentList.Add(argument);
        var agent = new AgentProcess(Process.Start(start)!, url, pki);
        await agent.WaitUntilListeningAsync(project);
        return agent;
    }

    /// <summary>Completes with the first line of output, from now on, that <paramref name="match"/> accepts.</summary>
    public Task<string> NextLineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output) _waiters.Add((match, seen));
        return seen.Task;
    }

    /// <summary>SIGHUP: the agent reads its TLS files again.</summary>
    public Task HangUpAsync() => ProcessRunner.RunAsync("kill", ["-HUP", _process.Id.ToString()]);

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

    /// <summary>SIGTERM, as systemd stops it (the data agent cancels its jobs and unmounts); SIGKILL after 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()]);
            if (!await ExitedWithinAsync(TimeSpan.FromSeconds(30))) Kill();
        }
        _process.Dispose();
    }

    /// <summary>Until the host's "Now listening on:" line (Microsoft.Hosting.Lifetime) or the process's exit.</summary>
    private async Task WaitUntilListeningAsync(string project)
    {
        var exited = _process.WaitForExitAsync();
        Task first;
        try
        {
            first = await HangGuard.Within(Task.WhenAny(_listening.Task, exited), $"{project} to listen at {Url}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}:\n{Output}", e);
        }
        if (first == exited)
            throw new InvalidOperationException($"{project} exited with {_process.ExitCode} before it listened:\n{Output}");
    }

    /// <summary>Debug or Release: the folder the calling program was built into (bin/CONFIGURATION/net10.0).</summary>
    private static string CallerConfiguration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
        if (line.Contains("Now listening on: ", StringComparison.Ordinal)) _listening.TrySetResult();
    }
}
