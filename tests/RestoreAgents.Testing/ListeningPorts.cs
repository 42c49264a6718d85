using System.Globalization;

namespace RestoreAgents.Testing;

/// <summary>The TCP ports a process listens on, read from /proc (its socket inodes against /proc/net/tcp and tcp6).</summary>
public static class ListeningPorts
{
    private const string Listen = "0A";

    public static IReadOnlyList<int> Of(int processId)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(target["socket:[".Length..^1]);
            }
            catch (IOException)
            {
                // a descriptor closed while we looked
            }
        }
        var ports = new List<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (fields.Length > 9 && fields[3] == Listen && inodes.Contains(fields[9]))
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber,
                        CultureInfo.InvariantCulture));
            }
        }
        return ports.Distinct().Order().ToList();
    }
}
