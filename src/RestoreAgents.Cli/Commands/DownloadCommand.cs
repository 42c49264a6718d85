using System.CommandLine;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl download`: copies a restored page blob into a local file, e.g. to check it with qemu-img.</summary>
public sealed class DownloadCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly DestinationOptions _source;
    private readonly Option<FileInfo> _output = new("--output")
    {
        Description = "Local file to write.",
        HelpName = "FILE",
        Required = true,
    };
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Replace the file if it exists." };

    public DownloadCommand(CliEnvironment environment)
        : base("download", "Download a page blob (e.g. a restored VHD) into a local file.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        _source = new DestinationOptions(environment);
        _source.AddTo(this);
        Options.Add(_output);
        Options.Add(_overwrite);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (_, container, blobName) = _source.ResolveBlob(parseResult);
        var output = parseResult.GetRequiredValue(_output);
        if (output.Exists && !parseResult.GetValue(_overwrite))
            throw new CliTargetException($"{output.FullName} exists; give --overwrite to replace it");

        var blob = await container.OpenPageBlobAsync(blobName, cancellationToken).ConfigureAwait(false);
        await blob.DownloadToAsync(output.FullName, cancellationToken).ConfigureAwait(false);
        _environment.Output.WriteLine($"downloaded {blob.Name} ({ByteSize.Format(blob.Size)}) to {output.FullName}");
        return ExitCodes.Success;
    }
}
