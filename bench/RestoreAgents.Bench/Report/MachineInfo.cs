using System.Globalization;
using System.Runtime.InteropServices;

namespace RestoreAgents.Bench.Report;

/// <summary>The machine the figures come from, read from /proc.</summary>
public sealed record MachineInfo(string Cpu, int Cores, long MemoryBytes, string Kernel, string Runtime)
{
    public static MachineInfo Read()
    {
        var cpu = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memoryKb = File.ReadLines("/proc/meminfo")
            .First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))["MemTotal:".Length..].Trim().Split(' ')[0];
        return new MachineInfo(cpu, Environment.ProcessorCount,
            long.Parse(memoryKb, CultureInfo.InvariantCulture) * 1024,
            File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The 1, 5 and 15-minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static double OneMinuteLoad() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
