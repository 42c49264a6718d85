using System.CommandLine;
using RestoreAgents.Security;

namespace RestoreAgents.Cli;

/// <summary>
/// --cert, --key and --ca, on every command: the certificate restorectl presents to agents and the CA it trusts
/// them by. Each falls back to its environment variable, then to a file in restorectl's configuration folder
/// (~/.config/restoreagents/cert.pem, key.pem, ca.pem), so an operator sets them up once.
/// </summary>
public sealed class ClientCertificateOptions
{
    public const string CertificateVariable = "RESTOREAGENTS_CERT";
    public const string KeyVariable = "RESTOREAGENTS_KEY";
    public const string CaVariable = "RESTOREAGENTS_CA";

    private readonly CliEnvironment _environment;

    public ClientCertificateOptions(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        Certificate = File("--cert", $"PEM certificate restorectl presents to agents (environment: {CertificateVariable}; "
            + "else cert.pem in ~/.config/restoreagents).");
        Key = File("--key", $"PEM private key of --cert, mode 0600 (environment: {KeyVariable}; else key.pem there).");
        Ca = File("--ca", $"PEM CA certificate(s) agents' certificates must chain to (environment: {CaVariable}; "
            + "else ca.pem there).");
    }

    public Option<string?> Certificate { get; }
    public Option<string?> Key { get; }
    public Option<string?> Ca { get; }

    /// <summary>The files to use, from the options, the environment, or the configuration folder, in that order.</summary>
    public CertificateFiles Resolve(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new CertificateFiles(Pick(parseResult, Certificate, CertificateVariable, "cert.pem"),
            Pick(parseResult, Key, KeyVariable, "key.pem"), Pick(parseResult, Ca, CaVariable, "ca.pem"));
    }

    private string Pick(ParseResult parseResult, Option<string?> option, string variable, string fileName) =>
        parseResult.GetValue(option) is { Length: > 0 } given ? given
        : _environment.Variables(variable) is { Length: > 0 } configured ? configured
        : Path.Combine(ConfigurationFolder(), fileName);

    /// <summary>$XDG_CONFIG_HOME/restoreagents, else ~/.config/restoreagents.</summary>
    private string ConfigurationFolder()
    {
        var config = _environment.Variables("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
            config = Path.Combine(_environment.Variables("HOME") ?? "", ".config");
        return Path.Combine(config, "restoreagents");
    }

    private static Option<string?> File(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "FILE",
        Recursive = true,
    };
}
