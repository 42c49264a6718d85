using System.Net;
using System.Text;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// A loopback HTTP endpoint that answers every request as a throttled storage account does (503 ServerBusy),
/// for the one failure Azurite cannot be made to produce.
/// </summary>
internal sealed class ThrottlingEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private int _requests;

    public ThrottlingEndpoint()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AzuriteFixture.AccountName}";

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        var body = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
            + "<Message>The server is busy.</Message></Error>");
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = 503;
            context.Response.Headers["x-ms-error-code"] = "ServerBusy";
            context.Response.ContentType = "application/xml";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
