using System.CommandLine;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl certs`: a certificate authority of your own for the agents' mutual TLS.</summary>
public sealed class CertsCommand : Command
{
    public CertsCommand(CliEnvironment environment)
        : base("certs", "Make a CA and certificates for mutual TLS between restorectl, data agents and media agents "
            + "(ECDSA P-256 PEM files; each certificate serves and dials).")
    {
        Subcommands.Add(new CertsCaCommand(environment));
        Subcommands.Add(new CertsIssueCommand(environment));
    }
}
