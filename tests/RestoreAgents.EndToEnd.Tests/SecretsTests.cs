using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Storage.Sas;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Secrets stay where they are used: the destination's account key and a request's SAS signature appear in no
/// progress message, no span (tags, events, statuses) and no log line of the data agent, whether the restore
/// succeeds or the cloud refuses it.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class SecretsTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;

    [Fact]
    public async Task RestoresWithTheDestinationsKey_AndWithSasUrls_LeaveNoSecretInProgressSpansOrLogs()
    {
        var driver = new RestoreDriver(agents);
        var image = Path.Combine(agents.WorkPath, "secrets.raw");
        await TestDiskImage.CreateAsync(image, 4L * MiB, seed: 21);
        await driver.BackupAsync(image, "secrets");
        var container = $"secrets-{Guid.NewGuid():N}"[..20];
        await new Azure.Storage.Blobs.BlobContainerClient(agents.Azurite.ConnectionString, container).CreateAsync();
        var writable = AzuriteSas.ContainerSasUrl(agents.Azurite.BlobEndpoint, container,
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write);
        var readOnly = AzuriteSas.ContainerSasUrl(agents.Azurite.BlobEndpoint, container, BlobContainerSasPermissions.Read);

        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var logs = new LogLines();
        using var cache = new TempDirectory("secrets-agent");
        await using var dataAgent = await agents.StartDataAgentAsync(cache.Path,
            builder => builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug),
            "--DataAgent:PseudoDisk=direct", "--Logging:LogLevel:Default=Debug");
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);

        var byKey = await RestoreAsync(client, driver.Request("secrets", "by-key.vhd", MiB, 2 * MiB));
        var bySas = driver.Request("secrets", "by-sas.vhd", MiB, 2 * MiB);
        bySas.Target.Container = container;
        bySas.Target.SasUrl = writable;
        var throughSas = await RestoreAsync(client, bySas);
        var refused = driver.Request("secrets", "refused.vhd", MiB, 2 * MiB);
        refused.Target.Container = container;
        refused.Target.SasUrl = readOnly;
        var denied = await RestoreAsync(client, refused);

        Assert.True(byKey[^1].State == RestoreState.Completed, byKey[^1].Error);
        Assert.True(throughSas[^1].State == RestoreState.Completed, throughSas[^1].Error);
        Assert.Equal(RestoreState.Failed, denied[^1].State);
        Assert.Contains("(403 AuthorizationPermissionMismatch)", denied[^1].Error);
        Assert.Contains($"{agents.Azurite.BlobEndpoint}/{container}/by-sas.vhd", throughSas[^1].BlobUrl);
        Assert.DoesNotContain("?", throughSas[^1].BlobUrl);

        string[] secrets =
        [
            AzuriteFixture.AccountKey, Uri.EscapeDataString(AzuriteFixture.AccountKey),
            AzuriteSas.SignatureOf(writable), Uri.EscapeDataString(AzuriteSas.SignatureOf(writable)),
            AzuriteSas.SignatureOf(readOnly), Uri.EscapeDataString(AzuriteSas.SignatureOf(readOnly)),
        ];
        var progress = byKey.Concat(throughSas).Concat(denied).Select(p => p.ToString()).ToList();
        var spanTexts = spans.Select(Describe).ToList();
        var lines = logs.All;
        Assert.Contains(lines, line => line.Contains("(403 AuthorizationPermissionMismatch)", StringComparison.Ordinal));
        Assert.Contains(spanTexts, text => text.Contains("(403 AuthorizationPermissionMismatch)", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(progress, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(spanTexts, text => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, text => text.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<List<RestoreProgress>> RestoreAsync(Protocol.V1.DataAgent.DataAgentClient client,
        StartRestoreRequest request)
    {
        var started = await client.StartRestoreAsync(request);
        using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = started.JobId });
        var all = new List<RestoreProgress>();
        await foreach (var progress in watch.ResponseStream.ReadAllAsync())
            all.Add(progress);
        return all;
    }

    /// <summary>Everything a trace exporter would send of a span.</summary>
    private static string Describe(Activity span) => string.Join(" | ",
    [
        span.Source.Name, span.OperationName, span.DisplayName, span.StatusDescription ?? "",
        .. span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"),
        .. span.Events.SelectMany(e => e.Tags.Select(tag => $"{e.Name}:{tag.Key}={tag.Value}").Append(e.Name)),
        .. span.Baggage.Select(item => $"{item.Key}={item.Value}"),
    ]);
}
