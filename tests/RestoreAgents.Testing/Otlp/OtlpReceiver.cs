using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Testing.Otlp;

/// <summary>
/// An OTLP/HTTP receiver on a free loopback port (Kestrel): the endpoint a process exports to with the standard
/// variables of <see cref="ExporterVariables"/>. It keeps every span and metric name it is sent, and the raw bytes
/// of every request (traces, metrics, logs) for tests that look for what must never be exported.
/// OTLP/HTTP rather than OTLP/gRPC: one POST handler per signal and message types only, no collector service
/// contract and no cleartext HTTP/2 endpoint to stand up.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ExportedSpan> _spans = [];
    private readonly List<ExportedMetric> _metrics = [];
    private readonly List<string> _logBodies = [];
    private readonly List<byte[]> _payloads = [];
    private readonly List<(Func<IReadOnlyList<ExportedSpan>, bool> Done, TaskCompletionSource Seen)> _waiters = [];

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint => new(_app.Urls.Single());

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, receiver.AddTraces));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, receiver.AddMetrics));
        app.MapPost("/v1/logs", context => receiver.ReceiveAsync(context, receiver.AddLogs));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The standard OTEL_* variables that point a process here, exporting often.</summary>
    public IReadOnlyDictionary<string, string> ExporterVariables => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    public IReadOnlyList<ExportedSpan> Spans { get { lock (_gate) return [.. _spans]; } }

    public IReadOnlyList<ExportedMetric> Metrics { get { lock (_gate) return [.. _metrics]; } }

    public IReadOnlyList<string> LogBodies { get { lock (_gate) return [.. _logBodies]; } }

    /// <summary>The body of every export request received, in order.</summary>
    public IReadOnlyList<byte[]> Payloads { get { lock (_gate) return [.. _payloads]; } }

    /// <summary>Completes once the spans received so far satisfy <paramref name="done"/>; checked as each batch arrives.</summary>
    public async Task<IReadOnlyList<ExportedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ExportedSpan>, bool> done,
        TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (done(_spans)) return [.. _spans];
            _waiters.Add((done, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the spans awaited did not arrive within {timeout}; received: "
                + string.Join(", ", Spans.Select(s => $"{s.Service}/{s.Name}")));
        }
        return Spans;
    }

    private async Task ReceiveAsync(HttpContext context, Action<byte[]> add)
    {
        using var body = new MemoryStream();
        var input = context.Request.Headers.ContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await input.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        lock (_gate)
        {
            _payloads.Add(bytes);
            add(bytes);
            foreach (var waiter in _waiters.Where(w => w.Done(_spans)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult();
            }
        }
        // An empty export response: full success.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private void AddTraces(byte[] bytes)
    {
        foreach (var resource in ExportTraceServiceRequest.Parser.ParseFrom(bytes).ResourceSpans)
        {
            var service = ServiceName(resource.Resource);
            foreach (var scope in resource.ScopeSpans)
            foreach (var span in scope.Spans)
                _spans.Add(new ExportedSpan(Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name,
                    service, scope.Scope?.Name ?? "", scope.Scope?.Version ?? "",
                    span.Attributes.ToDictionary(a => a.Key, a => Value(a.Value)), span.Status?.Code ?? 0));
        }
    }

    private void AddMetrics(byte[] bytes)
    {
        foreach (var resource in ExportMetricsServiceRequest.Parser.ParseFrom(bytes).ResourceMetrics)
        {
            var service = ServiceName(resource.Resource);
            foreach (var scope in resource.ScopeMetrics)
            foreach (var metric in scope.Metrics)
                _metrics.Add(new ExportedMetric(metric.Name, metric.Unit, service, scope.Scope?.Name ?? "",
                    scope.Scope?.Version ?? ""));
        }
    }

    private void AddLogs(byte[] bytes)
    {
        foreach (var resource in ExportLogsServiceRequest.Parser.ParseFrom(bytes).ResourceLogs)
        foreach (var scope in resource.ScopeLogs)
        foreach (var record in scope.LogRecords)
            _logBodies.Add(Value(record.Body)?.ToString() ?? "");
    }

    private static string ServiceName(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";

    private static object? Value(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        _ => null,
    };

    private static string Hex(ByteString id) => Convert.ToHexStringLower(id.Span);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
