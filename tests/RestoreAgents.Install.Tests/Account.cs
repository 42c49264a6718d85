using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>A user as the system's passwd database has it (getent passwd).</summary>
public sealed record Account(string Name, int Uid, int Gid, string Home, string Shell)
{
    /// <summary>The account, or null when there is none.</summary>
    public static async Task<Account?> FindAsync(string name)
    {
        var result = await ProcessRunner.RunAsync("getent", ["passwd", name]);
        if (result.ExitCode == 2) return null;
        if (result.ExitCode != 0) throw new InvalidOperationException($"getent passwd {name}: {result.Combined}");
        // restoreagents:x:102:105::/var/lib/restoreagents:/usr/sbin/nologin
        var fields = result.StandardOutput.Trim().Split(':');
        return new Account(fields[0], int.Parse(fields[2]), int.Parse(fields[3]), fields[5], fields[6]);
    }

    /// <summary>The group's id, or null when there is no such group.</summary>
    public static async Task<int?> FindGroupAsync(string name)
    {
        var result = await ProcessRunner.RunAsync("getent", ["group", name]);
        if (result.ExitCode == 2) return null;
        if (result.ExitCode != 0) throw new InvalidOperationException($"getent group {name}: {result.Combined}");
        return int.Parse(result.StandardOutput.Trim().Split(':')[2]);
    }
}
