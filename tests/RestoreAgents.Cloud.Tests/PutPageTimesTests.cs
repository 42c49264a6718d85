using System.Diagnostics.Metrics;
using RestoreAgents.Telemetry;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// A blob's Put Page time and the share throttling took of it, as the data agent's stage breakdown reads them, and
/// the throttling answers counted on the host's meter: through a <see cref="CloudFaultProxy"/> that throttles.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class PutPageTimesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private readonly TestMeterFactory _meters = new();
    private readonly List<(long Value, object? Status)> _throttled = [];
    private readonly MeterListener _listener = new();
    private CloudFaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = await CloudFaultProxy.StartAsync(azurite.BlobEndpoint);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Created(instrument.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name != "restoreagents.cloud.throttled") return;
            object? status = null;
            foreach (var tag in tags)
                if (tag.Key == TelemetryAttributes.HttpResponseStatusCode) status = tag.Value;
            lock (_throttled) _throttled.Add((value, status));
        });
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        _meters.Dispose();
        await _proxy.DisposeAsync();
    }

    private async Task<AzurePageBlob> CreateAsync()
    {
        var options = AzuriteAccount.QuickRetries();
        options.MeasureWith(new CloudMetrics(_meters));
        var container = new StorageAccountClient(
                new ConnectionStringCredentials(AzuriteFixture.ConnectionStringTo(_proxy.BlobEndpoint)), options)
            .GetContainer(AzuriteAccount.NewContainerName());
        return await container.CreatePageBlobAsync("disk.vhd", 4 * MiB, overwrite: false);
    }

    [Fact]
    public async Task AThrottledPutPage_CountsTheRefusedTryAndTheBackOffAfterIt_AsThrottled()
    {
        var blob = await CreateAsync();
        _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, Times = 1, RetryAfter = TimeSpan.FromMilliseconds(400),
        });

        await blob.WritePagesAsync(0, TestBytes.NonZero(MiB, seed: 1));

        // The SDK waits out Retry-After before the next try.
        Assert.InRange(blob.PutPages.Throttled, TimeSpan.FromMilliseconds(350), blob.PutPages.Calls);
        var counted = Assert.Single(_throttled);
        Assert.Equal((1L, (object?)503), counted);
    }

    [Fact]
    public async Task APutPageTheServiceTakesAtOnce_HasNoThrottledTime()
    {
        var blob = await CreateAsync();

        await blob.WritePagesAsync(0, TestBytes.NonZero(MiB, seed: 2));
        await blob.ClearPagesAsync(0, MiB);

        Assert.True(blob.PutPages.Calls > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, blob.PutPages.Throttled);
        Assert.Empty(_throttled);
    }
}
