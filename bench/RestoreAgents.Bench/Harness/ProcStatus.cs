using System.Diagnostics;
using System.Globalization;

namespace RestoreAgents.Bench.Harness;

/// <summary>Memory figures of a Linux process from /proc/&lt;pid&gt;/status, and its CPU time.</summary>
public readonly record struct ProcStatus(long PeakRssBytes, long RssBytes)
{
    /// <summary>Reads VmHWM (the resident high-water mark since the process started) and VmRSS.</summary>
    public static ProcStatus Read(int processId) => Parse(File.ReadAllLines($"/proc/{processId}/status"));

    public static ProcStatus ReadSelf() => Parse(File.ReadAllLines("/proc/self/status"));

    /// <summary>User + system CPU the process has used since it started.</summary>
    public static TimeSpan CpuTime(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime;
    }

    private static ProcStatus Parse(string[] lines) => new(Kilobytes(lines, "VmHWM:"), Kilobytes(lines, "VmRSS:"));

    private static long Kilobytes(string[] lines, string field)
    {
        // "VmHWM:\t  123456 kB"
        var line = lines.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"/proc status has no {field} line");
        var number = line[field.Length..].Trim().Split(' ')[0];
        return long.Parse(number, CultureInfo.InvariantCulture) * 1024;
    }
}
