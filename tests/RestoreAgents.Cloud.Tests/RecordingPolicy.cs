using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Sees every try the SDK sends (placed per retry) and keeps what the tests look at.</summary>
internal sealed class RecordingPolicy : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<SentRequest> _sent = new();

    public IReadOnlyList<SentRequest> Sent => [.. _sent];

    /// <summary>The Put Page calls that wrote pages (not Clear Page, not creates).</summary>
    public IReadOnlyList<SentRequest> PutPages =>
        [.. _sent.Where(r => r.Query.Contains("comp=page") && r.Header("x-ms-page-write") == "update")];

    public void Clear() => _sent.Clear();

    public void AddTo(CloudOptions options) =>
        options.ConfigureClient = client => client.AddPolicy(this, HttpPipelinePosition.PerRetry);

    public override void OnSendingRequest(HttpMessage message)
    {
        var headers = message.Request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var uri = message.Request.Uri.ToUri();
        _sent.Enqueue(new SentRequest(message.Request.Method.ToString(), uri.GetLeftPart(UriPartial.Path), uri.Query,
            headers));
    }
}

internal sealed record SentRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
