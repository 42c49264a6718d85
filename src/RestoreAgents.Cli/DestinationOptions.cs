using System.CommandLine;
using RestoreAgents.Cloud;

namespace RestoreAgents.Cli;

/// <summary>
/// The page blob options of download and mount, which talk to the storage account themselves: --container,
/// --blob, and exactly one of a connection string and a SAS URL, each from the command line, a file or the
/// environment (RESTOREAGENTS_CONNECTION_STRING, RESTOREAGENTS_SAS_URL). What the command line gives wins over the
/// environment. Mount takes the container alone.
/// </summary>
public sealed class DestinationOptions
{
    public const string ConnectionStringVariable = "RESTOREAGENTS_CONNECTION_STRING";
    public const string SasUrlVariable = "RESTOREAGENTS_SAS_URL";

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
                ? "Container of the page blob (optional with a SAS URL, which names it)."
                : "Container whose page blobs are the files (optional with a SAS URL, which names it).",
            HelpName = "NAME",
        };
        SasUrl = new SecretOption("sas-url", withBlob ? "SAS URL of the container or the blob" : "SAS URL of the container",
            SasUrlVariable, "URL");
    }

    public Option<string> Container { get; }

    public Option<string> Blob { get; } = new("--blob")
    {
        Description = "Name of the page blob, e.g. vm01.vhd (optional with a blob's SAS URL).",
        HelpName = "NAME",
    };

    public SecretOption ConnectionString { get; } =
        new("connection-string", "Azure Storage connection string", ConnectionStringVariable, "STRING");

    public SecretOption SasUrl { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Container);
        if (_withBlob) command.Options.Add(Blob);
        ConnectionString.AddTo(command);
        SasUrl.AddTo(command);
        command.Validators.Add(result =>
        {
            bool connectionString = ConnectionString.IsGiven(result), sasUrl = SasUrl.IsGiven(result);
            if (connectionString && sasUrl)
                result.AddError("give either a connection string or a SAS URL, not both");
            else if (!connectionString && !sasUrl && !ConnectionString.IsInEnvironment(_environment)
                     && !SasUrl.IsInEnvironment(_environment))
                result.AddError($"give --connection-string-file or --sas-url-file (or set {ConnectionStringVariable} "
                    + $"or {SasUrlVariable})");
        });
    }

    /// <summary>
    /// The container named by --container (or the SAS URL), reached with the SAS URL or the connection string; all
    /// checked as the data agent checks them (a usage error otherwise, never quoting the secret), without a
    /// request. Its calls retry as <see cref="CloudOptions"/> does by default.
    /// </summary>
    public (StorageCredentials Credentials, PageBlobContainer Container) ResolveContainer(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var credentials = AsUsage(() => StorageCredentials.From(ConnectionStringOf(parseResult), SasUrlOf(parseResult)));
        var container = parseResult.GetValue(Container);
        if (string.IsNullOrWhiteSpace(container) && credentials.OnlyContainer is null)
            throw new CliUsageException("--container is required unless a SAS URL names the container");
        return AsUsage(() =>
        {
            var account = new StorageAccountClient(credentials, new CloudOptions());
            return (credentials, account.GetContainer(container));
        });
    }

    /// <summary><see cref="ResolveContainer"/>, and --blob (or the SAS URL's blob) checked against Azure's rules.</summary>
    public (StorageCredentials Credentials, PageBlobContainer Container, string BlobName) ResolveBlob(
        ParseResult parseResult)
    {
        var (credentials, container) = ResolveContainer(parseResult);
        var blobName = parseResult.GetValue(Blob) is { Length: > 0 } given ? given : container.OnlyBlob;
        if (blobName is null)
            throw new CliUsageException("--blob is required unless a SAS URL names the blob");
        return AsUsage(() =>
        {
            container.ValidateBlobName(blobName);
            return (credentials, container, blobName);
        });
    }

    /// <summary>The command line's secret first; the environment's only when the command line gives neither.</summary>
    private string? ConnectionStringOf(ParseResult parseResult) =>
        SasUrl.IsGiven(parseResult.CommandResult) ? null : ConnectionString.Read(parseResult, _environment, !BothInEnvironment(parseResult));

    private string? SasUrlOf(ParseResult parseResult) =>
        ConnectionString.IsGiven(parseResult.CommandResult) ? null : SasUrl.Read(parseResult, _environment, !BothInEnvironment(parseResult));

    /// <summary>Both variables set and no option to choose: refuse rather than guess which one was meant.</summary>
    private bool BothInEnvironment(ParseResult parseResult)
    {
        if (ConnectionString.IsGiven(parseResult.CommandResult) || SasUrl.IsGiven(parseResult.CommandResult)
            || !ConnectionString.IsInEnvironment(_environment) || !SasUrl.IsInEnvironment(_environment))
            return false;
        throw new CliUsageException($"both {ConnectionStringVariable} and {SasUrlVariable} are set; unset one, or "
            + "give --connection-string-file or --sas-url-file");
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
}
