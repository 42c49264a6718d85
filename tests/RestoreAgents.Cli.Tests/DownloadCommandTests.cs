using RestoreAgents.Cloud;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>`download` reads a page blob from real Azurite into a local file.</summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class DownloadCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDirectory _work = new("restorectl-download");

    public void Dispose() => _work.Dispose();

    private CliRun Run() => new() { Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = azurite.ConnectionString } };

    [Fact]
    public async Task Download_WritesTheBlob_ByteForByte()
    {
        var blobName = $"disk-{Guid.NewGuid():N}.vhd";
        var data = new byte[64 * 1024];
        new Random(3).NextBytes(data);
        var blob = await new StorageAccountClient(new ConnectionStringCredentials(azurite.ConnectionString),
                new CloudOptions())
            .GetContainer("downloads").CreatePageBlobAsync(blobName, 1024 * 1024, overwrite: false);
        await blob.WritePagesAsync(512 * 1024, data);
        var output = _work.Combine("restored.vhd");

        var result = await Run().RunAsync("download", "--container", "downloads", "--blob", blobName, "--output", output);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"downloaded {blob.Name} (1.0 MiB) to {output}", result.Output);
        var expected = new byte[1024 * 1024];
        data.CopyTo(expected, 512 * 1024);
        Assert.Equal(expected, await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task Download_KeepsTheBlobsUnwrittenPages_AsHolesInTheFile()
    {
        const long size = 64L * 1024 * 1024;
        var blobName = $"sparse-{Guid.NewGuid():N}.vhd";
        var data = new byte[64 * 1024];
        new Random(5).NextBytes(data);
        var blob = await new StorageAccountClient(new ConnectionStringCredentials(azurite.ConnectionString),
                new CloudOptions())
            .GetContainer("downloads").CreatePageBlobAsync(blobName, size, overwrite: false);
        await blob.WritePagesAsync(32L * 1024 * 1024, data);
        // A written page of zeros is data to the blob, but needs no block in the file either.
        await blob.WritePagesAsync(48L * 1024 * 1024, new byte[1024 * 1024]);
        var output = _work.Combine("sparse.vhd");

        var result = await Run().RunAsync("download", "--container", "downloads", "--blob", blobName, "--output", output);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var bytes = await File.ReadAllBytesAsync(output);
        Assert.Equal(size, bytes.LongLength);
        Assert.Equal(data, bytes.AsSpan(32 * 1024 * 1024, data.Length).ToArray());
        Assert.Equal(-1, bytes.AsSpan(0, 32 * 1024 * 1024).IndexOfAnyExcept((byte)0));
        Assert.Equal(-1, bytes.AsSpan(32 * 1024 * 1024 + data.Length).IndexOfAnyExcept((byte)0));
        var allocated = long.Parse((await ProcessRunner.RunCheckedAsync("stat", "-c", "%b", output)).Trim(),
            System.Globalization.CultureInfo.InvariantCulture) * 512;
        Assert.True(allocated <= 1024 * 1024, $"{allocated} bytes allocated for 64 KiB of data in a 64 MiB blob");
    }

    [Fact]
    public async Task Download_OfAMissingBlob_IsOneLine_AndExitCode4()
    {
        var result = await Run().RunAsync("download", "--container", "downloads", "--blob", "missing.vhd", "--output",
            _work.Combine("x.vhd"));

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("missing.vhd", line);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, line);
    }

    [Fact]
    public async Task Download_TakesTheConnectionStringFromAFile_OrTheCommandLine_WarningThatPsShowsTheLatter()
    {
        var blobName = $"disk-{Guid.NewGuid():N}.vhd";
        await new StorageAccountClient(new ConnectionStringCredentials(azurite.ConnectionString), new CloudOptions())
            .GetContainer("downloads").CreatePageBlobAsync(blobName, 1024 * 1024, overwrite: false);
        var file = OwnerOnlyFile.Write(_work.Combine("connection-string"), azurite.ConnectionString);

        var fromFile = await CliRun.Of("download", "--container", "downloads", "--blob", blobName,
            "--connection-string-file", file, "--output", _work.Combine("from-file.vhd"));
        var fromArgv = await CliRun.Of("download", "--container", "downloads", "--blob", blobName,
            "--connection-string", azurite.ConnectionString, "--output", _work.Combine("from-argv.vhd"));

        Assert.Equal((ExitCodes.Success, ""), (fromFile.ExitCode, fromFile.Error));
        Assert.Equal(ExitCodes.Success, fromArgv.ExitCode);
        var warning = Assert.Single(fromArgv.ErrorLines);
        Assert.StartsWith("warning: --connection-string puts the Azure Storage connection string on the command line",
            warning);
        Assert.Contains("RESTOREAGENTS_CONNECTION_STRING or --connection-string-file", warning);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, warning);
    }

    [Fact]
    public async Task Download_TakesABlobsSasUrl_FromTheEnvironment_AndItsBlobName()
    {
        var blobName = $"disk-{Guid.NewGuid():N}.vhd";
        var blob = await new StorageAccountClient(new ConnectionStringCredentials(azurite.ConnectionString),
                new CloudOptions())
            .GetContainer("downloads").CreatePageBlobAsync(blobName, 1024 * 1024, overwrite: false);
        var sas = new Azure.Storage.Sas.BlobSasBuilder(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1))
        {
            BlobContainerName = "downloads",
            BlobName = blobName,
            Resource = "b",
        }.ToSasQueryParameters(new Azure.Storage.StorageSharedKeyCredential(AzuriteFixture.AccountName,
            AzuriteFixture.AccountKey));
        var run = new CliRun { Variables = { ["RESTOREAGENTS_SAS_URL"] = $"{blob.Name}?{sas}" } };
        var output = _work.Combine("by-blob-sas.vhd");

        var result = await run.RunAsync("download", "--output", output);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Equal(1024 * 1024, new FileInfo(output).Length);
    }

    [Fact]
    public async Task Download_RefusesToGuess_WhenBothSecretsAreInTheEnvironment()
    {
        var run = Run();
        run.Variables["RESTOREAGENTS_SAS_URL"] = "https://acct.blob.core.windows.net/downloads?sv=1&sig=c2ln";

        var result = await run.RunAsync("download", "--container", "downloads", "--blob", "any.vhd", "--output",
            _work.Combine("never.vhd"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("both RESTOREAGENTS_CONNECTION_STRING and RESTOREAGENTS_SAS_URL are set", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Download_RefusesToReplaceAFile_WithoutOverwrite()
    {
        var output = _work.Combine("exists.vhd");
        await File.WriteAllTextAsync(output, "keep me");

        var result = await Run().RunAsync("download", "--container", "downloads", "--blob", "any.vhd", "--output", output);

        Assert.Equal(ExitCodes.TargetNotReady, result.ExitCode);
        Assert.Contains("give --overwrite to replace it", Assert.Single(result.ErrorLines));
        Assert.Equal("keep me", await File.ReadAllTextAsync(output));
    }
}
