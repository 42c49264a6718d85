using RestoreAgents.Bench.Report;

namespace RestoreAgents.Bench.Harness;

/// <summary>The machine is shared: the timed runs wait, for a while, until others' builds and tests have calmed.</summary>
public static class QuietMoment
{
    public static async Task WaitAsync(double maxLoad, TimeSpan patience, Action<string> say,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        var load = MachineInfo.OneMinuteLoad();
        if (load <= maxLoad) return;
        say($"load average {load:F2} is above {maxLoad:F2}: waiting up to {patience.TotalMinutes:F0} minutes for a quieter moment");
        while (load > maxLoad && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            load = MachineInfo.OneMinuteLoad();
        }
        say(load <= maxLoad
            ? $"load average {load:F2}: measuring"
            : $"load average still {load:F2}: measuring anyway (the report gives the load)");
    }
}
