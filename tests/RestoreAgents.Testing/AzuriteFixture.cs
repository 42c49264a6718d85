using System.Diagnostics;

namespace RestoreAgents.Testing;

/// <summary>
/// Starts the repository's pinned Azurite (blob service only, in memory) on a free loopback port, once per test
/// collection. A missing Azurite is a failure with the command that installs it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // The emulator's well-known development account, documented by Microsoft; it guards nothing.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port { get; private set; }

    /// <summary>The emulator's process (node), e.g. to read the CPU it used; 0 before it starts.</summary>
    public int ProcessId => _process?.Id ?? 0;

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString => ConnectionStringTo(BlobEndpoint);

    /// <summary>The account's connection string with another blob endpoint, e.g. a <see cref="CloudFaultProxy"/> before it.</summary>
    public static string ConnectionStringTo(string blobEndpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={blobEndpoint};";

    /// <summary>
    /// A data agent's settings (command-line form) for a destination <paramref name="name"/> that is this account by
    /// key at <paramref name="blobEndpoint"/>: Azurite's own, or a proxy or stand-in before it. Plain HTTP allowed.
    /// </summary>
    /// <param name="accountKeyFile">An owner-only file holding <see cref="AccountKey"/>.</param>
    public static string[] DestinationSettings(string name, string blobEndpoint, string accountKeyFile)
    {
        var destination = $"--DataAgent:Destinations:{name}";
        return
        [
            $"{destination}:BlobEndpoint={blobEndpoint}",
            $"{destination}:Credential=AccountKey",
            $"{destination}:AccountName={AccountName}",
            $"{destination}:AccountKeyFile={accountKeyFile}",
            $"{destination}:AllowPlaintext=true",
        ];
    }

    public async Task InitializeAsync()
    {
        var executable = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(executable))
            throw new InvalidOperationException(
                $"Azurite is not installed ({executable} is missing). Run 'npm ci' in {RepoPaths.Root} (./run-tests does).");

        Port = FreePort.Next();
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--disableTelemetry",
                     "--skipApiVersionCheck", "--loose", "--inMemoryPersistence", "--silent",
                 })
            startInfo.ArgumentList.Add(argument);
        _process = Process.Start(startInfo)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var exited = _process.WaitForExitAsync();
        Task first;
        try
        {
            first = await HangGuard.Within(Task.WhenAny(_listening.Task, exited), $"Azurite to listen on 127.0.0.1:{Port}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}: {Output}", e);
        }
        if (first == exited) throw new InvalidOperationException($"Azurite exited with {_process.ExitCode}: {Output}");
    }

    /// <summary>Keeps the line; Azurite prints "... successfully listens on ..." once its server has started.</summary>
    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("successfully listens on", StringComparison.Ordinal)) _listening.TrySetResult();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
