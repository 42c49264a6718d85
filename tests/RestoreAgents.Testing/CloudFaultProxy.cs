using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Testing;

/// <summary>
/// A loopback HTTP proxy (Kestrel) in front of a blob service such as Azurite: it forwards every request as it
/// came and, by rule, fails some the way a faltering cloud does. <see cref="CloudFaultRule"/>s pick requests by
/// kind, blob and page offset (all, some, or a random share), and answer 503 ServerBusy with Retry-After or a refusal
/// (403), drop the connection before or after forwarding, stall, or flip a bit of a Put Page's body; <see cref="Pace"/>
/// holds each blob's Put Pages to a byte rate and an in-flight limit with 503 + Retry-After. <see cref="Requests"/> records what it saw. Clients reach it
/// through <see cref="BlobEndpoint"/> (the BlobEndpoint of a connection string): SharedKey signatures still hold,
/// since the path is kept and the host is not signed.
/// </summary>
public sealed class CloudFaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Expect", "Proxy-Connection", "TE",
        "Trailer",
    };

    private readonly Uri _target;
    private readonly TimeProvider _time;
    private readonly HttpClient _forward = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
    }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentQueue<CloudFaultRule> _rules = new();
    private readonly ConcurrentDictionary<string, BlobPacer> _pacers = new();
    private readonly ConcurrentQueue<CloudRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private BlobPacing? _pacing;
    private WebApplication? _host;

    private CloudFaultProxy(Uri target, TimeProvider time)
    {
        _target = target;
        _time = time;
    }

    /// <summary>
    /// Refuse a request whose body does not match its Content-MD5 (400 Md5Mismatch), as Azure does and Azurite
    /// does not for Put Page: on by default, so a <see cref="CloudFault.FlipBit"/> meets Azure's check.
    /// </summary>
    public bool ChecksContentMd5 { get; set; } = true;

    /// <summary>The blob endpoint to give clients: the target's account path on the proxy's port.</summary>
    public string BlobEndpoint { get; private set; } = "";

    /// <summary>Every request so far, in the order their answers went out (or their connections were dropped).</summary>
    public IReadOnlyList<CloudRequest> Requests => _requests.ToArray();

    /// <param name="blobEndpoint">The service to forward to, e.g. http://127.0.0.1:10000/devstoreaccount1.</param>
    public static async Task<CloudFaultProxy> StartAsync(string blobEndpoint, TimeProvider? time = null)
    {
        var target = new Uri(blobEndpoint);
        var proxy = new CloudFaultProxy(target, time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var host = builder.Build();
        host.Run(proxy.HandleAsync);
        await host.StartAsync();
        proxy._host = host;
        var port = new Uri(host.Urls.Single()).Port;
        proxy.BlobEndpoint = $"{target.Scheme}://127.0.0.1:{port}{target.AbsolutePath.TrimEnd('/')}";
        return proxy;
    }

    /// <summary>Adds a rule; rules are tried in the order they were added, and the first that takes a request fails it.</summary>
    public CloudFaultRule Add(CloudFaultRule rule)
    {
        _rules.Enqueue(rule);
        return rule;
    }

    /// <summary>Holds every blob's Put Pages to <paramref name="pacing"/> from now on (null: no pacing).</summary>
    public void Pace(BlobPacing? pacing)
    {
        _pacers.Clear();
        _pacing = pacing;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_host is not null) await _host.DisposeAsync();
        _forward.Dispose();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var (kind, blob, offset, length) = Classify(context.Request);
        var rule = _rules.FirstOrDefault(r => r.Takes(kind, blob, offset));
        var seen = new CloudRequest(kind, blob, offset, length ?? context.Request.ContentLength ?? 0, rule?.Fault, 0)
        {
            ReceivedAt = _time.GetUtcNow(),
        };
        try
        {
            await HandleAsync(context, rule, seen, aborted.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException
                                      && aborted.IsCancellationRequested)
        {
            // The client gave up (a stall outlived its timeout) or the proxy is stopping.
            Record(seen);
        }
    }

    private async Task HandleAsync(HttpContext context, CloudFaultRule? rule, CloudRequest seen,
        CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(context.Request, cancellationToken);
        switch (rule?.Fault)
        {
            case CloudFault.ServerBusy:
                await AnswerServerBusyAsync(context, rule.RetryAfter, seen);
                return;
            case CloudFault.DropConnection:
                Drop(context, seen);
                return;
            case CloudFault.Refuse:
                await AnswerErrorAsync(context, rule.Status, rule.ErrorCode, "The request was refused.", seen);
                return;
            case CloudFault.AcknowledgeOnly:
                AnswerCreated(context, seen);
                return;
            case CloudFault.Intercept when rule.BeforeForwarding is { } before:
                await before(cancellationToken);
                break;
        }

        // What goes on to the service counts against the blob's pace, a stalled request for as long as it stalls.
        BlobPacer? pacer = null;
        if (seen.Kind == CloudRequestKind.PutPage && _pacing is { } pacing)
        {
            pacer = _pacers.GetOrAdd(seen.Blob, _ => new BlobPacer(pacing, _time));
            if (!pacer.TryAdmit(seen.Length, out var retryAfter))
            {
                await AnswerServerBusyAsync(context, retryAfter, seen with { Fault = CloudFault.ServerBusy });
                return;
            }
        }
        try
        {
            if (rule?.Fault == CloudFault.Stall)
                await Task.Delay(rule.StallFor ?? Timeout.InfiniteTimeSpan, _time, cancellationToken);
            if (rule?.Fault == CloudFault.FlipBit && body.Length > 0)
            {
                var bit = rule.BitToFlip ?? body.Length * 4L;
                body[bit / 8] ^= (byte)(1 << (int)(bit % 8));
            }
            if (ChecksContentMd5 && Md5Mismatch(context.Request, body))
            {
                await AnswerErrorAsync(context, StatusCodes.Status400BadRequest, "Md5Mismatch",
                    "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
                    seen);
                return;
            }
            using var answer = await ForwardAsync(context, body, cancellationToken);
            if (rule?.Fault == CloudFault.DropAnswer)
            {
                Drop(context, seen with { Status = (int)answer.StatusCode });
                return;
            }
            await CopyAnswerAsync(context, answer, cancellationToken);
            Record(seen with { Status = (int)answer.StatusCode });
        }
        finally
        {
            pacer?.Release();
        }
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context, byte[] body,
        CancellationToken cancellationToken)
    {
        // The raw target keeps the path's encoding exactly as the client signed it.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            new Uri($"{_target.Scheme}://{_target.Authority}{rawTarget}"));
        if (body.Length > 0 || context.Request.ContentLength is not null)
            forward.Content = new ByteArrayContent(body);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        return await _forward.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static async Task CopyAnswerAsync(HttpContext context, HttpResponseMessage answer,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            if (!HopByHop.Contains(name))
                response.Headers[name] = values.ToArray();
        await using var content = await answer.Content.ReadAsStreamAsync(cancellationToken);
        await content.CopyToAsync(response.Body, cancellationToken);
    }

    /// <summary>A Put Page's success as the service words it, for a body it never stored.</summary>
    private void AnswerCreated(HttpContext context, CloudRequest seen)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.ETag = $"\"0x{_time.GetUtcNow().UtcTicks:X}\"";
        response.Headers.LastModified = _time.GetUtcNow().ToString("R");
        response.Headers["x-ms-blob-sequence-number"] = "0";
        response.Headers["x-ms-request-server-encrypted"] = "true";
        response.Headers["x-ms-version"] = context.Request.Headers["x-ms-version"].ToString();
        if (context.Request.Headers.ContentMD5.ToString() is { Length: > 0 } md5) response.Headers.ContentMD5 = md5;
        response.ContentLength = 0;
        Record(seen with { Status = StatusCodes.Status201Created });
    }

    private async Task AnswerServerBusyAsync(HttpContext context, TimeSpan retryAfter, CloudRequest seen)
    {
        // Retry-After is whole seconds; the SDK prefers the millisecond header when it is there.
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        context.Response.Headers["x-ms-retry-after-ms"] = ((long)retryAfter.TotalMilliseconds).ToString();
        await AnswerErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "ServerBusy",
            "Operations per second is over the account limit.", seen);
    }

    /// <summary>An error as the blob service words it: status, x-ms-error-code, and the XML body.</summary>
    private async Task AnswerErrorAsync(HttpContext context, int status, string code, string message, CloudRequest seen)
    {
        var body = Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["x-ms-error-code"] = code;
        response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        response.ContentType = "application/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
        Record(seen with { Status = status });
    }

    private void Record(CloudRequest seen) => _requests.Enqueue(seen with { AnsweredAt = _time.GetUtcNow() });

    private static bool Md5Mismatch(HttpRequest request, byte[] body) =>
        request.Headers["Content-MD5"].ToString() is { Length: > 0 } sent
        && sent != Convert.ToBase64String(MD5.HashData(body));

    private void Drop(HttpContext context, CloudRequest seen)
    {
        Record(seen with { Status = 0 });
        context.Abort();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Tells a request's kind, blob and page range from its method, path, query and headers.</summary>
    private static (CloudRequestKind Kind, string Blob, long? Offset, long? Length) Classify(HttpRequest request)
    {
        // Path: /ACCOUNT/CONTAINER/BLOB (Azurite and other path-style endpoints).
        var segments = request.Path.Value?.Split('/', 4, StringSplitOptions.RemoveEmptyEntries) ?? [];
        var blob = segments.Length == 3 ? Uri.UnescapeDataString(segments[2]) : "";
        var comp = request.Query["comp"].ToString();
        var headers = request.Headers;
        var kind = (request.Method, comp) switch
        {
            ("PUT", "page") when string.Equals(headers["x-ms-page-write"], "clear", StringComparison.OrdinalIgnoreCase)
                => CloudRequestKind.ClearPages,
            ("PUT", "page") => CloudRequestKind.PutPage,
            ("GET", "pagelist") => CloudRequestKind.GetPageRanges,
            ("PUT", "") when headers.ContainsKey("x-ms-blob-type") => CloudRequestKind.CreateBlob,
            ("GET" or "HEAD", "") when blob.Length > 0 => CloudRequestKind.ReadBlob,
            _ => CloudRequestKind.Other,
        };
        var range = headers["x-ms-range"].ToString() is { Length: > 0 } msRange ? msRange : headers.Range.ToString();
        if (!range.StartsWith("bytes=", StringComparison.Ordinal)) return (kind, blob, null, null);
        var bounds = range["bytes=".Length..].Split('-');
        var start = long.Parse(bounds[0]);
        long? length = bounds.Length > 1 && long.TryParse(bounds[1], out var end) ? end - start + 1 : null;
        return (kind, blob, start, length);
    }
}
