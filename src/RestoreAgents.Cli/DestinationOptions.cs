using System.CommandLine;
using RestoreAgents.Cloud;

namespace RestoreAgents.Cli;

/// <summary>
/// The page blob options of restore and download: --container, --blob and exactly one of --connection-string or
/// --sas-url, where RESTOREAGENTS_CONNECTION_STRING stands in for --connection-string so secrets stay off the
/// command line (and out of --help, which is why it is not a default value). Mount takes the container alone.
/// </summary>
public sealed class DestinationOptions
{
    public const string ConnectionStringVariable = "RESTOREAGENTS_CONNECTION_STRING";

    private readonly CliEnvironment _environment;
    private readonly bool _withBlob;

    /// <param name="withBlob">False for a whole container (no --blob option), as mount takes.</param>
    public DestinationOptions(CliEnvironment environment, bool withBlob = true)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        _withBlob = withBlob;
        Container = new("--container")
        {
            Description = withBlob
                ? "Container of the page blob (optional with --sas-url, which names it)."
                : "Container whose page blobs are the files (optional with --sas-url, which names it).",
            HelpName = "NAME",
        };
    }

    public Option<string> Container { get; }

    public Option<string> Blob { get; } = new("--blob")
    {
        Description = "Name of the page blob, e.g. vm01.vhd.",
        HelpName = "NAME",
        Required = true,
    };

    public Option<string> ConnectionString { get; } = new("--connection-string")
    {
        Description = $"Azure Storage connection string (or set {ConnectionStringVariable}).",
        HelpName = "STRING",
    };

    public Option<string> SasUrl { get; } = new("--sas-url")
    {
        Description = "SAS URL of the container, instead of a connection string.",
        HelpName = "URL",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Container);
        if (_withBlob) command.Options.Add(Blob);
        command.Options.Add(ConnectionString);
        command.Options.Add(SasUrl);
        command.Validators.Add(result =>
        {
            bool hasConnectionString = !string.IsNullOrWhiteSpace(result.GetValue(ConnectionString));
            bool hasSasUrl = !string.IsNullOrWhiteSpace(result.GetValue(SasUrl));
            if (hasConnectionString && hasSasUrl)
                result.AddError("give either --connection-string or --sas-url, not both");
            else if (!hasSasUrl && !hasConnectionString &&
                     string.IsNullOrWhiteSpace(_environment.Variables(ConnectionStringVariable)))
                result.AddError($"give --connection-string or --sas-url (or set {ConnectionStringVariable})");
            else if (!hasSasUrl && string.IsNullOrWhiteSpace(result.GetValue(Container)))
                result.AddError("--container is required unless --sas-url names the container");
        });
    }

    /// <summary>
    /// The container named by --container (or the SAS URL), reached with --sas-url, else --connection-string or its
    /// environment variable; all checked as the data agent checks them (a usage error otherwise, never quoting the
    /// secret), without a request. Its calls retry as <see cref="CloudOptions"/> does by default.
    /// </summary>
    public (StorageCredentials Credentials, PageBlobContainer Container) ResolveContainer(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var sasUrl = parseResult.GetValue(SasUrl);
        var connectionString = string.IsNullOrWhiteSpace(sasUrl)
            ? NullIfBlank(parseResult.GetValue(ConnectionString)) ?? _environment.Variables(ConnectionStringVariable)
            : null;
        return AsUsage(() =>
        {
            var credentials = StorageCredentials.From(connectionString, sasUrl);
            var account = new StorageAccountClient(credentials, new CloudOptions());
            return (credentials, account.GetContainer(parseResult.GetValue(Container)));
        });
    }

    /// <summary><see cref="ResolveContainer"/>, and --blob checked against Azure's rules for blob names.</summary>
    public (StorageCredentials Credentials, PageBlobContainer Container, string BlobName) ResolveBlob(
        ParseResult parseResult)
    {
        var (credentials, container) = ResolveContainer(parseResult);
        var blobName = parseResult.GetValue(Blob) ?? "";
        return AsUsage(() =>
        {
            container.ValidateBlobName(blobName);
            return (credentials, container, blobName);
        });
    }

    /// <summary>The same rules the data agent applies, as usage errors: the command line is what is wrong.</summary>
    private static T AsUsage<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message, e);
        }
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
