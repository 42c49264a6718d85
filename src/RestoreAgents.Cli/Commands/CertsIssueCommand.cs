using System.CommandLine;
using System.Net;
using RestoreAgents.Security;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl certs issue --ca-dir DIR --name NAME`: NAME.pem and NAME.key, signed by the CA in DIR.</summary>
public sealed class CertsIssueCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly Option<string> _caDir = new("--ca-dir")
    {
        Description = $"Folder of the CA ('restorectl certs ca'): {CertsCaCommand.CertificateFileName} and "
            + $"{CertsCaCommand.KeyFileName}.",
        HelpName = "DIR",
        Required = true,
    };
    private readonly Option<string> _name = new("--name")
    {
        Description = "The identity: the certificate's common name, which Access:Roles lists (e.g. data-agent-1, "
            + "alice).",
        Required = true,
    };
    private readonly Option<string[]> _dns = new("--dns")
    {
        Description = "A host name the certificate's owner is dialled by (repeatable); default: --name, unless --ip "
            + "is given.",
        HelpName = "HOST",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<string[]> _ip = new("--ip")
    {
        Description = "An IP address the owner is dialled by (repeatable).",
        HelpName = "ADDRESS",
    };
    private readonly Option<int> _days = new("--days")
    {
        Description = "How long the certificate is valid, in days.",
        DefaultValueFactory = _ => 397,
    };
    private readonly Option<string?> _out = new("--out")
    {
        Description = "Folder to write NAME.pem and NAME.key (0600) into; default: --ca-dir.",
        HelpName = "DIR",
    };

    public CertsIssueCommand(CliEnvironment environment)
        : base("issue", "Issue a certificate for an agent or an operator, good for serving and for dialing.")
    {
        _environment = environment;
        Options.Add(_caDir);
        Options.Add(_name);
        Options.Add(_dns);
        Options.Add(_ip);
        Options.Add(_days);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult parseResult)
    {
        var caDir = parseResult.GetRequiredValue(_caDir);
        var name = parseResult.GetRequiredValue(_name);
        if (name.IndexOfAny(['/', '\\']) >= 0 || name.Any(char.IsControl) || name is "." or "..")
            throw new CliUsageException($"--name '{name}' cannot name a file: no slashes or control characters");
        var days = parseResult.GetValue(_days);
        if (days <= 0) throw new CliUsageException($"--days is {days}; it must be positive");
        var addresses = (parseResult.GetValue(_ip) ?? []).Select(text => IPAddress.TryParse(text, out var address)
            ? address
            : throw new CliUsageException($"--ip '{text}' is not an IP address")).ToList();
        var dns = parseResult.GetValue(_dns) is { Length: > 0 } given ? given : addresses.Count == 0 ? [name] : [];

        CertificateAuthority authority;
        try
        {
            authority = CertificateAuthority.Load(Path.Combine(caDir, CertsCaCommand.CertificateFileName),
                Path.Combine(caDir, CertsCaCommand.KeyFileName));
        }
        catch (CertificateLoadException e)
        {
            throw new CliUsageException($"--ca-dir {caDir}: {e.Message}", e);
        }
        using (authority)
        {
            var outDir = parseResult.GetValue(_out) ?? caDir;
            Directory.CreateDirectory(outDir);
            var certificateFile = Path.Combine(outDir, name + ".pem");
            var keyFile = Path.Combine(outDir, name + ".key");
            using var issued = authority.Issue(name, dns, addresses, TimeSpan.FromDays(days), _environment.TimeProvider);
            CertificateAuthority.Save(issued, certificateFile, keyFile);
            _environment.Output.WriteLine($"wrote {certificateFile} and {keyFile} (0600) for '{name}' "
                + $"(names: {string.Join(", ", dns.Concat(addresses.Select(a => a.ToString())))}; valid until "
                + $"{issued.NotAfter.ToUniversalTime():yyyy-MM-dd})");
        }
        return ExitCodes.Success;
    }
}
