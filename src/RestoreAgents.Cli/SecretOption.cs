using System.CommandLine;
using System.CommandLine.Parsing;
using RestoreAgents.Cloud;

namespace RestoreAgents.Cli;

/// <summary>
/// A secret restorectl takes from an environment variable, a file (--NAME-file, the owner's alone) or the command
/// line (--NAME, which every user of the host can read with ps: restorectl says so in one warning line). Never a
/// default value, so --help never shows it.
/// </summary>
public sealed class SecretOption
{
    private readonly string _what;

    /// <param name="name">The option's name without dashes, e.g. "sas-url"; the file option adds "-file".</param>
    /// <param name="what">What the secret is, for help and messages, e.g. "SAS URL of the container or blob".</param>
    /// <param name="variable">The environment variable that holds it, e.g. RESTOREAGENTS_SAS_URL.</param>
    public SecretOption(string name, string what, string variable, string helpName)
    {
        _what = what;
        Variable = variable;
        Inline = new Option<string>($"--{name}")
        {
            Description = $"{what} (visible to other users in ps: prefer {variable} or --{name}-file).",
            HelpName = helpName,
        };
        File = new Option<FileInfo>($"--{name}-file")
        {
            Description = $"File holding the {what}; it must be readable by its owner only (chmod 600).",
            HelpName = "FILE",
        };
    }

    public Option<string> Inline { get; }

    public Option<FileInfo> File { get; }

    public string Variable { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Inline);
        command.Options.Add(File);
        command.Validators.Add(result =>
        {
            if (!string.IsNullOrWhiteSpace(result.GetValue(Inline)) && result.GetValue(File) is not null)
                result.AddError($"give either {Inline.Name} or {File.Name}, not both");
        });
    }

    /// <summary>True when the command line gives the secret (inline or as a file), not only the environment.</summary>
    public bool IsGiven(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return !string.IsNullOrWhiteSpace(result.GetValue(Inline)) || result.GetValue(File) is not null;
    }

    /// <summary>True when the environment variable is set (to something other than blanks).</summary>
    public bool IsInEnvironment(CliEnvironment environment) =>
        !string.IsNullOrWhiteSpace(environment.Variables(Variable));

    /// <summary>
    /// The secret from the command line (warning on stderr that others can see it), its file, or, when
    /// <paramref name="fromEnvironment"/>, the environment; null when none gives it.
    /// </summary>
    /// <exception cref="CliUsageException">The file cannot be read, is open to others, or is empty.</exception>
    public string? Read(ParseResult parseResult, CliEnvironment environment, bool fromEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        if (parseResult.GetValue(Inline) is { } inline && !string.IsNullOrWhiteSpace(inline))
        {
            environment.Error.WriteLine($"warning: {Inline.Name} puts the {_what} on the command line, where "
                + $"other users of this host can read it (ps); use {Variable} or {File.Name}");
            return inline.Trim();
        }
        if (parseResult.GetValue(File) is { } file)
        {
            try
            {
                return SecretFile.Read(file.FullName, File.Name);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message, e);
            }
        }
        return fromEnvironment && IsInEnvironment(environment) ? environment.Variables(Variable)!.Trim() : null;
    }
}
