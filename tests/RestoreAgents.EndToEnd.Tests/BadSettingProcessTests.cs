using RestoreAgents.Hosting;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Each agent as the operator starts it, a real process, with one setting that cannot work: it exits within
/// seconds with <see cref="AgentStart.BadSetting"/> and exactly one line on stderr naming the setting, its value and
/// the rule, and nothing else: no stack trace, no abort, no port opened.
/// </summary>
public sealed class BadSettingProcessTests(TestPki pki) : IClassFixture<TestPki>, IDisposable
{
    private const string DataAgent = "RestoreAgents.DataAgent";
    private const string MediaAgent = "RestoreAgents.MediaAgent";

    /// <summary>A refusal reads settings and files only: a loaded machine still answers within this.</summary>
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _folder = new("bad-setting");

    public static TheoryData<string, string, string> Settings => new()
    {
        { DataAgent, "--DataAgent:PageSizeBytes=3000", "DataAgent:PageSizeBytes is 3000; it must be a multiple of 512 "
            + "between 512 and 4194304 (4 MiB, the largest Azure Put Page)" },
        { DataAgent, "--DataAgent:CacheSizeBytes=65536", "DataAgent:CacheSizeBytes is 65536; it must be at least one "
            + "page of DataAgent:PageSizeBytes (4194304)" },
        { DataAgent, "--DataAgent:CacheSizeBytes=256MiB", "DataAgent:CacheSizeBytes is '256MiB'; it must be a whole "
            + "number (bytes are given as a number, e.g. 268435456)" },
        { DataAgent, "--DataAgent:PseudoDisk=floppy", "DataAgent:PseudoDisk is 'floppy'; it must be one of fuse, direct" },
        { DataAgent, "--DataAgent:PseudoDisk=7", "DataAgent:PseudoDisk is '7'; it must be one of fuse, direct" },
        { DataAgent, "--DataAgent:UploadParallelism=0", "DataAgent:UploadParallelism is 0; it must be between 1 and 64" },
        { DataAgent, "--DataAgent:MaxQueuedJobs=-1", "DataAgent:MaxQueuedJobs is -1; it must be between 0 and 10000" },
        { DataAgent, "--DataAgent:MediaAgentTimeout=soon", "DataAgent:MediaAgentTimeout is 'soon'; it must be a "
            + "duration as [d.]hh:mm:ss, e.g. 00:00:30" },
        { DataAgent, "--DataAgent:CacheDirectory={folder}/a-file/cache", "DataAgent:CacheDirectory is "
            + "'{folder}/a-file/cache'; it must be a folder this agent can create and write" },
        { DataAgent, "--DataAgent:MediaAgents:backup:Url=backup-host/x", "DataAgent:MediaAgents:backup:Url "
            + "'backup-host/x'" },
        { DataAgent, "--DataAgent:Destinations:prod:Credential=AccountKey", "DataAgent:Destinations:prod: "
            + "BlobEndpoint is missing" },
        { DataAgent, "--DataAgent:Cloud:MaxRetries=-1", "DataAgent:Cloud: " },
        { DataAgent, "--Tls:KeyFile={folder}/missing.key", "Tls: " },
        { DataAgent, "--Tls:AllowPlaintext=maybe", "Tls:AllowPlaintext is 'maybe'; it must be true or false" },
        { DataAgent, "--urls=ftp://127.0.0.1:5020", "Urls has 'ftp://127.0.0.1:5020'; each listen address must be "
            + "https://HOST:PORT (or http://HOST:PORT with Tls:AllowPlaintext=true)" },
        { DataAgent, "--Access:Roles:admin:0=someone", "Access:Roles:admin is not a role of this agent; its roles are " },
        { DataAgent, "--OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4317", "OTEL_EXPORTER_OTLP_ENDPOINT is "
            + "'localhost:4317'; it must be an http:// or https:// URL of an OTLP receiver" },
        { MediaAgent, "--MediaAgent:StorePath={folder}/no-store", "MediaAgent:StorePath is '{folder}/no-store'; it "
            + "must be an existing folder (back up first: restorectl backup --store FOLDER makes it)" },
        { MediaAgent, "--MediaAgent:StreamIdleTimeout=00:00:00", "MediaAgent:StreamIdleTimeout is 00:00:00; it must "
            + "be positive (e.g. 00:10:00)" },
        { MediaAgent, "--MediaAgent:StreamIdleTimeout=10min", "MediaAgent:StreamIdleTimeout is '10min'; it must be a "
            + "duration as [d.]hh:mm:ss, e.g. 00:00:30" },
        { MediaAgent, "--MediaAgent:ReadAheadChunks=0", "MediaAgent:ReadAheadChunks is 0; it must be between 1 and 64" },
        { MediaAgent, "--Tls:CertificateFile={folder}/missing.pem", "Tls: " },
        { MediaAgent, "--Hosting:EnableReflection=yes", "Hosting:EnableReflection is 'yes'; it must be true or false" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Agent_WithABadSetting_ExitsAtOnce_WithOneLineNamingIt(string project, string setting, string line)
    {
        File.WriteAllText(_folder.Combine("a-file"), "not a folder");
        Directory.CreateDirectory(_folder.Combine("store"));
        string[] working = project == DataAgent
            ? [$"--DataAgent:CacheDirectory={_folder.Combine("cache")}", $"--DataAgent:MountPath={_folder.Combine("mount")}"]
            : [$"--MediaAgent:StorePath={_folder.Combine("store")}"];

        var result = await AgentProcess.RunUntilExitAsync(project, pki, Refusal,
            [.. working, setting.Replace("{folder}", _folder.Path, StringComparison.Ordinal)]);

        Assert.Equal(AgentStart.BadSetting, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        var printed = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + line.Replace("{folder}", _folder.Path, StringComparison.Ordinal), printed,
            StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
