using System.CommandLine;
using RestoreAgents.Security;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl certs ca --dir DIR`: a new root CA, DIR/ca.pem and DIR/ca.key.</summary>
public sealed class CertsCaCommand : Command
{
    public const string CertificateFileName = "ca.pem";
    public const string KeyFileName = "ca.key";

    private readonly CliEnvironment _environment;
    private readonly Option<string> _dir = new("--dir")
    {
        Description = $"Folder to write {CertificateFileName} (the CA certificate every component trusts) and "
            + $"{KeyFileName} (its key, 0600: keep it off the agents' hosts) into; made if missing.",
        HelpName = "DIR",
        Required = true,
    };
    private readonly Option<string> _name = new("--name")
    {
        Description = "The CA's common name.",
        DefaultValueFactory = _ => "RestoreAgents CA",
    };
    private readonly Option<int> _days = new("--days")
    {
        Description = "How long the CA is valid, in days.",
        DefaultValueFactory = _ => 3650,
    };

    public CertsCaCommand(CliEnvironment environment)
        : base("ca", "Create a certificate authority: the CA certificate to trust everywhere and its private key.")
    {
        _environment = environment;
        Options.Add(_dir);
        Options.Add(_name);
        Options.Add(_days);
        SetAction(Run);
    }

    private int Run(ParseResult parseResult)
    {
        var dir = parseResult.GetRequiredValue(_dir);
        var days = parseResult.GetValue(_days);
        if (days <= 0) throw new CliUsageException($"--days is {days}; it must be positive");
        Directory.CreateDirectory(dir);
        var certificate = Path.Combine(dir, CertificateFileName);
        var key = Path.Combine(dir, KeyFileName);
        using var authority = CertificateAuthority.Create(parseResult.GetRequiredValue(_name), TimeSpan.FromDays(days),
            _environment.TimeProvider);
        authority.Save(certificate, key);
        _environment.Output.WriteLine($"wrote {certificate} (trust it: Tls__TrustedCaFile, --ca) and {key} (0600; "
            + $"needed only by 'restorectl certs issue')");
        return ExitCodes.Success;
    }
}
