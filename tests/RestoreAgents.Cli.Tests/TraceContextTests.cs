using System.Diagnostics;
using RestoreAgents.Cli.Tests.Fakes;

namespace RestoreAgents.Cli.Tests;

/// <summary>The agents' spans join the controller's trace: W3C trace context travels in the call metadata.</summary>
/// <remarks>Alone, not in parallel: an ActivityListener is process-wide and would give other runs a span.</remarks>
[Collection(Name)]
public sealed class TraceContextTests
{
    public const string Name = "Trace context (not parallel)";

    [Fact]
    public async Task Calls_CarryTheCurrentActivity_AsOneTraceparent()
    {
        await using var agent = await FakeAgentHost.StartAsync();
        using var caller = new Activity("controller").SetIdFormat(ActivityIdFormat.W3C).Start();

        var result = await CliRun.Of("status", "--data-agent", agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var headers = Assert.Single(agent.DataAgent.Calls).Headers;
        var traceparent = Assert.Single(headers, h => h.Key == "traceparent").Value;
        Assert.Equal(caller.TraceId.ToHexString(), traceparent.Split('-')[1]);
    }

    [Fact]
    public async Task Calls_JoinTheTraceNamedByTRACEPARENT_ThroughRestorectlsOwnSpan()
    {
        await using var agent = await FakeAgentHost.StartAsync();
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CliTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) stopped.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        var run = new CliRun { Variables = { ["TRACEPARENT"] = $"00-{traceId}-{parentSpan}-01" } };

        var result = await run.RunAsync("status", "--data-agent", agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Activity span;
        lock (stopped) span = Assert.Single(stopped, a => a.TraceId == traceId);
        Assert.Equal("restorectl status", span.OperationName);
        Assert.Equal(parentSpan, span.ParentSpanId);
        var traceparent = Assert.Single(Assert.Single(agent.DataAgent.Calls).Headers, h => h.Key == "traceparent").Value;
        Assert.Equal($"00-{traceId}-{span.SpanId}-01", traceparent);
    }

    [Fact]
    public async Task Calls_CarryNoTraceparent_WhenNoActivityIsCurrent()
    {
        await using var agent = await FakeAgentHost.StartAsync();
        Activity.Current = null;

        var result = await CliRun.Of("status", "--data-agent", agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain(Assert.Single(agent.DataAgent.Calls).Headers, h => h.Key == "traceparent");
    }
}
