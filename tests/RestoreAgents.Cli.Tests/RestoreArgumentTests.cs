using Google.Protobuf;
using Google.Protobuf.Reflection;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>
/// What `restore` accepts and what it sends: names of a media agent and a destination, a container and a blob,
/// at most a SAS URL (from the environment or an owner-only file) and never a credential; and the sizes.
/// </summary>
public sealed class RestoreArgumentTests : IAsyncLifetime
{
    private const string AccountKey = "c2VjcmV0LWFjY291bnQta2V5LXRoYXQtbXVzdC1zdGF5LWhvbWU=";
    private const string ConnectionString =
        $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AccountKey};EndpointSuffix=core.windows.net";
    private const string Signature = "c2lnbmF0dXJl";
    private const string SasUrl = "https://acct.blob.core.windows.net/restores?sv=2024-08-04&sp=rcw&sig=" + Signature;

    private readonly TempDirectory _folder = new("restore-arguments");
    private FakeAgentHost _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeAgentHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _folder.Dispose();
    }

    private string[] Restore(params string[] extra) =>
    [
        "restore", "--data-agent", _agent.Url, "--media-agent", "backup-1", "--destination", "prod", "--copy", "vm01",
        "--no-wait", .. extra,
    ];

    [Fact]
    public async Task Restore_SendsNamesOnly_AndNoCredentialIsInTheRequestsBytes()
    {
        // A connection string in the environment is download's and mount's: restore never sends it.
        var run = new CliRun { Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = ConnectionString } };

        var result = await run.RunAsync(Restore("--container", "restores", "--blob", "vm01.vhd"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal("backup-1", request.MediaAgent);
        Assert.Equal(new RestoreTarget { Destination = "prod", Container = "restores", BlobName = "vm01.vhd" },
            request.Target);
        var bytes = request.ToByteArray();
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(AccountKey)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("AccountKey="u8));
    }

    [Fact]
    public void TheRequestContract_HasNoFieldForACredential_OnlyTheScopedSasUrl()
    {
        var fields = Fields(StartRestoreRequest.Descriptor).ToList();

        Assert.Contains("restoreagents.v1.RestoreTarget.sas_url", fields);
        Assert.DoesNotContain(fields, field => new[] { "connection", "key", "secret", "password", "token", "credential" }
            .Any(word => field.Contains(word, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(fields, field => field.EndsWith("_url", StringComparison.Ordinal)
            && field != "restoreagents.v1.RestoreTarget.sas_url");
    }

    [Fact]
    public async Task Restore_TakesTheSasUrlFromTheEnvironment_AndItsContainer()
    {
        var run = new CliRun { Variables = { ["RESTOREAGENTS_SAS_URL"] = SasUrl } };

        var result = await run.RunAsync(Restore("--blob", "vm01.vhd"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var target = Assert.Single(_agent.DataAgent.StartRequests).Target;
        Assert.Equal(SasUrl, target.SasUrl);
        Assert.Equal("restores", target.Container);
        Assert.DoesNotContain(Signature, result.Output + result.Error);
    }

    [Fact]
    public async Task Restore_TakesTheSasUrlFromAnOwnerOnlyFile()
    {
        var file = OwnerOnlyFile.Write(_folder.Combine("sas"), SasUrl);

        var result = await CliRun.Of(Restore("--blob", "vm01.vhd", "--sas-url-file", file));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(SasUrl, Assert.Single(_agent.DataAgent.StartRequests).Target.SasUrl);
        // No warning about the command line; the fake data agent is plaintext, which is said.
        Assert.Equal($"warning: the SAS URL travels to the data agent at {_agent.Url}/ without TLS",
            Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Restore_RefusesASasFileOthersCanRead_NamingIt()
    {
        var file = OwnerOnlyFile.Write(_folder.Combine("sas"), SasUrl);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = await CliRun.Of(Restore("--blob", "vm01.vhd", "--sas-url-file", file));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"--sas-url-file: {file} can be read by its group or others", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain(Signature, result.Error);
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Fact]
    public async Task Restore_WarnsThatASasUrlOnTheCommandLineIsVisibleToOtherUsers()
    {
        var result = await CliRun.Of(Restore("--blob", "vm01.vhd", "--sas-url", SasUrl));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var warning = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            line => line.StartsWith("warning: --sas-url", StringComparison.Ordinal));
        Assert.Contains("other users of this host can read it (ps)", warning);
        Assert.DoesNotContain(Signature, warning);
    }

    [Theory]
    [InlineData("restores", "../../internal/admin/reset", "path segment '..'")]
    [InlineData("restores", @"a\b.vhd", "backslash")]
    [InlineData("restores", "vm01\u0001.vhd", "control character U+0001")]
    [InlineData("Restores", "vm01.vhd", "Invalid container 'Restores'")]
    public async Task Restore_RefusesANameAUrlWouldRewrite_BeforeSendingAnything(string container, string blob,
        string why)
    {
        var result = await CliRun.Of(Restore("--container", container, "--blob", blob));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(why, Assert.Single(result.ErrorLines));
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Fact]
    public async Task Restore_SendsTheParsedSizes_AndTheFlags()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--blob", "vm01.vhd",
            "--page-size", "64KiB", "--cache-size", "256MiB", "--overwrite", "--no-verify"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(64u * 1024, request.PageSizeBytes);
        Assert.Equal(256ul * 1024 * 1024, request.CacheSizeBytes);
        Assert.True(request.Overwrite);
        Assert.Equal(VerifyMode.None, request.VerifyMode);
    }

    [Theory]
    [InlineData("proof", VerifyMode.Proof)]
    [InlineData("readback", VerifyMode.Readback)]
    [InlineData("none", VerifyMode.None)]
    public async Task Restore_SendsTheVerifyModeAsked(string mode, VerifyMode expected)
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--blob", "vm01.vhd", "--verify", mode));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(expected, Assert.Single(_agent.DataAgent.StartRequests).VerifyMode);
    }

    [Fact]
    public async Task Restore_LeavesSizesToTheDataAgent_AndVerifies_ByDefault()
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--blob", "vm01.vhd"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(_agent.DataAgent.StartRequests);
        Assert.Equal(0u, request.PageSizeBytes);
        Assert.Equal(0ul, request.CacheSizeBytes);
        Assert.Equal(VerifyMode.Proof, request.VerifyMode);
        Assert.False(request.Overwrite);
    }

    [Theory]
    [InlineData("1000", "page size 1000 is not a multiple of 512")]
    [InlineData("8MiB", "page size 8388608 is not a multiple of 512")]
    [InlineData("256", "page size 256 is not a multiple of 512")]
    [InlineData("4MB", "KB and MB are decimal units")]
    [InlineData("0", "greater than zero")]
    [InlineData("big", "'big' is not a size")]
    public async Task Restore_RefusesAPageSizeAzureCannotUse(string pageSize, string expected)
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--blob", "vm01.vhd", "--page-size", pageSize));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("--page-size", line);
        Assert.Contains(expected, line);
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("0.5")]
    public async Task Restore_RefusesACacheSizeThatIsNotAPositiveSize(string cacheSize)
    {
        var result = await CliRun.Of(Restore("--container", "restores", "--blob", "vm01.vhd", "--cache-size", cacheSize));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--cache-size", Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("--copy", "'--copy' is required")]
    [InlineData("--media-agent", "'--media-agent' is required")]
    [InlineData("--destination", "'--destination' is required")]
    [InlineData("--container", "--container is required unless a SAS URL names the container")]
    [InlineData("--blob", "--blob is required unless a SAS URL names the blob")]
    public async Task Restore_RequiresTheCopyTheNamesAndTheBlob(string missing, string message)
    {
        string[] args = ["restore", "--data-agent", _agent.Url, "--media-agent", "backup-1", "--destination", "prod",
            "--container", "restores", "--copy", "vm01", "--blob", "vm01.vhd"];
        var index = Array.IndexOf(args, missing);
        var without = args.Take(index).Concat(args.Skip(index + 2)).ToArray();

        var result = await CliRun.Of(without);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.ErrorLines));
        Assert.Empty(_agent.DataAgent.StartRequests);
    }

    /// <summary>Every field of a message and of the messages it holds, as "package.Message.field".</summary>
    private static IEnumerable<string> Fields(MessageDescriptor message)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            yield return $"{message.FullName}.{field.Name}";
            if (field.FieldType == FieldType.Message)
                foreach (var inner in Fields(field.MessageType))
                    yield return inner;
        }
    }
}
