namespace RestoreAgents.Cli.Tests;

/// <summary>Runs restorectl in-process with captured output, no terminal, and only the given environment variables.</summary>
public sealed class CliRun
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public CancellationToken CancellationToken { get; init; }

    /// <summary>The Resource Manager restore --managed-disk talks to; null for the default (a real Azure login).</summary>
    public Func<Azure.ResourceManager.ArmClient>? ResourceManager { get; init; }

    public async Task<CliRunResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, interactive: false,
            name => Variables.GetValueOrDefault(name), TimeProvider)
        {
            ResourceManager = ResourceManager ?? (() => throw new InvalidOperationException("no Resource Manager in this test")),
        };
        int exitCode = await Restorectl.RunAsync(args, environment, cancellationToken: CancellationToken);
        return new CliRunResult(exitCode, output.ToString(), error.ToString());
    }

    public static Task<CliRunResult> Of(params string[] args) => new CliRun().RunAsync(args);
}
