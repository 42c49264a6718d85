using System.Collections.Concurrent;
using System.Diagnostics;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>One restore is one trace: the controller's call, the data agent's job, the media agent's stream and
/// the page uploads share a trace id, carried across the two hosts by W3C trace context in gRPC metadata.</summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class TracingTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;

    [Fact]
    public async Task Restore_IsOneTraceAcrossControllerDataAgentAndMediaAgent()
    {
        var driver = new RestoreDriver(agents);
        var image = Path.Combine(agents.WorkPath, "traced.raw");
        await TestDiskImage.CreateAsync(image, 8L * MiB, seed: 11, dataFraction: 1.0);
        await driver.BackupAsync(image, "traced");

        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("RestoreAgents", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var controllerSource = new ActivitySource("RestoreAgents.Tests.Controller");

        ActivityTraceId traceId;
        RestoreProgress result;
        using (var controller = controllerSource.StartActivity("controller.restore"))
        {
            Assert.NotNull(controller);
            traceId = controller.TraceId;
            result = await driver.RestoreAsync(driver.Request("traced", "traced.vhd", MiB, 2 * MiB));
        }

        Assert.True(result.State == RestoreState.Completed, result.Error);
        var inTrace = stopped.Where(a => a.TraceId == traceId).Select(a => a.OperationName).ToHashSet();
        Assert.Contains("restore.job", inTrace);
        Assert.Contains("restore.stream", inTrace);
        Assert.Contains("copy.stream", inTrace);   // the media agent's span: crossed the gRPC hop
        Assert.Contains("page.upload", inTrace);
    }
}
