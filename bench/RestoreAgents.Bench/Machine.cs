namespace RestoreAgents.Bench;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        long kib = long.Parse(memory["MemTotal:".Length..].Trim().Split(' ')[0]);
        return $"{Environment.ProcessorCount} cores, {kib / 1024 / 1024} GiB RAM, {Environment.OSVersion}, "
            + $".NET {Environment.Version}; load before: {LoadAverage()}";
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine skews every contender.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
