using System.Diagnostics;
using System.Text;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>`restorectl mount` as a real process: started until it says it is mounted, stopped with SIGTERM.</summary>
internal sealed class MountedContainer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stderr;

    private MountedContainer(Process process, string mountPoint)
    {
        _process = process;
        MountPoint = mountPoint;
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line) Append(line);
        });
    }

    public string MountPoint { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public string PathOf(string fileName) => System.IO.Path.Combine(MountPoint, fileName);

    public static async Task<MountedContainer> StartAsync(string connectionString, string container,
        string mountPoint, params string[] options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["RESTOREAGENTS_CONNECTION_STRING"] = connectionString },
        };
        foreach (var argument in (string[])[RestorectlProcess.Path, "mount", "--container", container, .. options,
                     mountPoint])
            start.ArgumentList.Add(argument);
        var mounted = new MountedContainer(Process.Start(start)!, mountPoint);
        await mounted.ReadUntilAsync("mounted container");
        return mounted;
    }

    /// <summary>SIGTERM, as systemd or Ctrl+C would: uploads what is left, unmounts, exits.</summary>
    public async Task<int> StopAsync()
    {
        await ProcessRunner.RunCheckedAsync("kill", "-TERM", _process.Id.ToString());
        await ReadUntilAsync(null);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _stderr;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            await ProcessRunner.RunAsync("fusermount3", ["-u", "-z", MountPoint]);
        }
        _process.Dispose();
    }

    /// <summary>Reads stdout until a line contains <paramref name="text"/> (null: to the end).</summary>
    private async Task ReadUntilAsync(string? text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            Append(line);
            if (text is not null && line.Contains(text, StringComparison.Ordinal)) return;
        }
        if (text is not null)
            throw new InvalidOperationException($"restorectl mount ended before '{text}':\n{Output}");
    }

    private void Append(string line)
    {
        lock (_output) _output.AppendLine(line);
    }
}
