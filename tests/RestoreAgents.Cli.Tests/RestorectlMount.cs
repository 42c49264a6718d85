using System.Diagnostics;
using System.Text;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>
/// `restorectl mount` as a real process: started, awaited until it prints that it mounted, stopped with a signal
/// as an operator would. Disposing kills a process still running and clears its mount.
/// </summary>
internal sealed class RestorectlMount : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _mounted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RestorectlMount(Process process, string mountPoint)
    {
        _process = process;
        MountPoint = mountPoint;
    }

    public string MountPoint { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public string Error { get { lock (_error) return _error.ToString(); } }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string File(params string[] parts) => Path.Combine([MountPoint, .. parts]);

    /// <summary>Starts `restorectl mount ARGUMENTS MOUNTPOINT` and waits for its "mounted container" line.</summary>
    public static async Task<RestorectlMount> StartAsync(string mountPoint, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[RestorectlProcess.Path, "mount", .. arguments, mountPoint])
            start.ArgumentList.Add(argument);
        var mount = new RestorectlMount(Process.Start(start)!, mountPoint);
        mount.Listen();
        Task ready;
        try
        {
            ready = await HangGuard.Within(Task.WhenAny(mount._mounted.Task, mount._process.WaitForExitAsync()),
                "restorectl mount's 'mounted container' line");
        }
        catch (TimeoutException e)
        {
            await mount.DisposeAsync();
            throw new TimeoutException($"{e.Message}: {mount.Output.Trim()} {mount.Error.Trim()}", e);
        }
        if (ready != mount._mounted.Task)
        {
            await mount.DisposeAsync();
            throw new InvalidOperationException(
                $"restorectl mount exited without mounting: {mount.Output.Trim()} {mount.Error.Trim()}");
        }
        return mount;
    }

    /// <summary>Sends the signal (INT for Ctrl+C, TERM) and waits until the process has exited.</summary>
    public async Task<int> StopAsync(string signal = "INT")
    {
        await ProcessRunner.RunCheckedAsync("kill", $"-{signal}", _process.Id.ToString());
        return await ExitCodeAsync();
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<int> ExitCodeAsync()
    {
        await HangGuard.Within(_process.WaitForExitAsync(), "restorectl mount to exit");
        _process.WaitForExit(); // lets the last output lines arrive
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            // A killed mount leaves its FUSE mount behind.
            await ProcessRunner.RunAsync("fusermount3", ["-u", "-z", MountPoint]);
        }
        _process.Dispose();
    }

    private void Listen()
    {
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (e.Data.StartsWith("mounted container ", StringComparison.Ordinal)) _mounted.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_error) _error.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }
}
