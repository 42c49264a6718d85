using RestoreAgents.Testing.Otlp;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// One restore is one trace, exported over OTLP: restorectl's command, the data agent's job and the media agent's
/// stream share a trace id (W3C trace context in gRPC metadata), the trace stays the same size whatever the
/// disk's size, and nothing exported holds a secret.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
public sealed class TracingTests(TracedRestoresFixture restores) : IClassFixture<TracedRestoresFixture>
{
    private const string RestorectlService = "restorectl";
    private const string DataAgentService = "RestoreAgents.DataAgent";
    private const string MediaAgentService = "RestoreAgents.MediaAgent";

    [Fact]
    public void Restore_IsOneTrace_HoldingSpansOfRestorectlTheDataAgentAndTheMediaAgent()
    {
        var spans = restores.SpansOf(restores.Small);

        Assert.Equal([DataAgentService, MediaAgentService, RestorectlService],
            spans.Select(s => s.Service).Distinct().Order());
        var root = Assert.Single(spans, s => s.ParentSpanId.Length == 0 || s.ParentSpanId.All(c => c == '0'));
        Assert.Equal("restorectl restore", root.Name);
        Assert.Equal(RestorectlService, root.Service);
        // One tree: every other span's parent was exported too.
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var orphans = spans.Where(s => s != root && !ids.Contains(s.ParentSpanId)).ToList();
        Assert.True(orphans.Count == 0, $"spans whose parent was not exported: {string.Join(", ", orphans)}");
    }

    [Fact]
    public void TheMediaAgentsStream_DescendsFromTheDataAgentsJob()
    {
        var spans = restores.SpansOf(restores.Small);
        var stream = Assert.Single(spans, s => s.Name == "copy.stream");
        var job = Assert.Single(spans, s => s.Name == "restore.job");

        var ancestors = Ancestors(stream, spans).ToList();

        Assert.Equal(MediaAgentService, stream.Service);
        Assert.Equal(DataAgentService, job.Service);
        Assert.True(ancestors.Contains(job), $"copy.stream does not descend from restore.job: {string.Join(", ", spans)}");
        Assert.Contains(ancestors, s => s.Name == "restore.stream" && s.Service == DataAgentService);
    }

    [Fact]
    public void SpanCount_DoesNotGrowWithTheDisksSize()
    {
        var small = restores.SpansOf(restores.Small);
        var large = restores.SpansOf(restores.Large);

        // Eight times the pages, chunks and verification reads: the same trace, give or take a retried call.
        Assert.InRange(large.Count, small.Count - 3, small.Count + 3);
        Assert.InRange(large.Count, 20, 300);
        Assert.InRange(large.Count(s => s.Name == "page.upload"), 1, 8);
        Assert.InRange(large.Count(s => s.Name == "store.read"), 1, 4);
    }

    [Fact]
    public void EveryExportedSpanMetricAndLogLine_HoldsNoAccountKeySasSignatureOrBearerToken()
    {
        var payloads = restores.Receiver.Payloads;
        var signature = AzuriteSas.SignatureOf(restores.SasUrl);
        string[] secrets =
        [
            AzuriteFixture.AccountKey, signature, Uri.EscapeDataString(signature), "AccountKey=", "Bearer ",
        ];

        Assert.Contains(restores.Receiver.Spans, s => s.Name == "page.upload"); // the uploads were traced
        Assert.NotEmpty(restores.Receiver.LogBodies);
        foreach (var payload in payloads)
        {
            var text = System.Text.Encoding.UTF8.GetString(payload);
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"an export holds '{secret}'");
        }
    }

    [Fact]
    public void Restorectl_SaysWhereTheTimeWent_NamingTheTraceItExported()
    {
        Assert.Matches(@"slowest stage: [a-z ]+, \d+ % of wall time.*; trace [0-9a-f]{32}",
            restores.Small.Restorectl.StandardOutput);
        var job = Assert.Single(restores.SpansOf(restores.Small), s => s.Name == "restore.job");
        Assert.NotNull(job.Attribute("restoreagents.stage.cloud_upload"));
    }

    [Fact]
    public void Metrics_AreExported_UnderTheirDocumentedNames_FromVersionedMeters()
    {
        var metrics = restores.Receiver.Metrics;
        string[] documented =
        [
            "restoreagents.jobs", "restoreagents.job.duration", "restoreagents.restore.bytes",
            "restoreagents.stream.duration", "restoreagents.page.upload.duration", "restoreagents.page.upload.bytes",
            "restoreagents.cache.slots.used", "restoreagents.store.read.duration", "restoreagents.store.read.bytes",
        ];

        foreach (var name in documented)
        {
            var metric = metrics.FirstOrDefault(m => m.Name == name);
            Assert.True(metric is not null, $"{name} was not exported; exported: "
                + string.Join(", ", metrics.Select(m => m.Name).Distinct()));
            Assert.Matches(@"^\d+\.\d+\.\d+", metric.ScopeVersion);
        }
    }

    private static IEnumerable<ExportedSpan> Ancestors(ExportedSpan span, IReadOnlyList<ExportedSpan> spans)
    {
        var byId = spans.ToDictionary(s => s.SpanId);
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            yield return parent;
    }
}
