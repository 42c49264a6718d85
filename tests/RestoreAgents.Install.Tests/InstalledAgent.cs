using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>An installed agent's unit and settings file, and the free loopback address a test gives it there.</summary>
public sealed record InstalledAgent(string Unit, string Config)
{
    public static readonly InstalledAgent Media = new(Installed.MediaAgentUnit, Installed.MediaAgentConfig);
    public static readonly InstalledAgent Data = new(Installed.DataAgentUnit, Installed.DataAgentConfig);

    /// <summary>Sets ASPNETCORE_URLS in the settings file, as an operator would, to a free loopback port.</summary>
    public Uri ListenOnFreePort()
    {
        var url = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        EnvironmentFile.Set(Config, "ASPNETCORE_URLS", url.GetLeftPart(UriPartial.Authority));
        return url;
    }

    /// <summary>Starts the agent as its unit's ExecStart= says (see <see cref="UnitProcess"/>).</summary>
    public Task<UnitProcess> StartAsync() => UnitProcess.StartAsync(SystemdUnit.Load(Unit));

    /// <summary>The real user id a process runs as (/proc/PID/status).</summary>
    public static int UidOf(int processId) =>
        int.Parse(File.ReadLines($"/proc/{processId}/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
}
