namespace RestoreAgents.Bench;

/// <summary>The peak resident memory of a process (VmHWM), read from /proc while it runs.</summary>
internal static class ProcessMemory
{
    public static long PeakResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
            return long.Parse(kib) * 1024;
        }
        throw new InvalidOperationException($"/proc/{processId}/status has no VmHWM line");
    }
}
