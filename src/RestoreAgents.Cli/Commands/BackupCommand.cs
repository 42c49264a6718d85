using System.CommandLine;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl backup`: placeholder until RestoreAgents.Store lands.</summary>
public sealed class BackupCommand : Command
{
    public BackupCommand(CliEnvironment environment)
        : base("backup", "Back up a raw or fixed-VHD disk image into a secondary-copy store.")
    {
        ArgumentNullException.ThrowIfNull(environment);
    }
}
