using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A blob endpoint on loopback (a real Kestrel host) that creates containers and page blobs and then stalls: it
/// holds every Put Page until its caller gives up, as a cloud that stopped answering mid-restore.
/// </summary>
internal sealed class StalledPutPageCloud : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _held = new(0);
    private readonly SemaphoreSlim _abandoned = new(0);

    private StalledPutPageCloud()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(AnswerAsync);
    }

    /// <summary>Its address as a destination's BlobEndpoint (Azurite's account name in the path).</summary>
    public string BlobEndpoint => $"{_app.Urls.Single()}/{AzuriteFixture.AccountName}";

    public static async Task<StalledPutPageCloud> StartAsync()
    {
        var cloud = new StalledPutPageCloud();
        await cloud._app.StartAsync();
        return cloud;
    }

    /// <summary>Waits until <paramref name="count"/> Put Page calls are held.</summary>
    public Task WaitForHeldPutPagesAsync(int count) => WaitAsync(_held, count, "Put Page calls held");

    /// <summary>Waits until <paramref name="count"/> held Put Page calls were given up by their caller.</summary>
    public Task WaitForAbandonedPutPagesAsync(int count) => WaitAsync(_abandoned, count, "held Put Page calls abandoned");

    private async Task AnswerAsync(HttpContext context)
    {
        if (context.Request.Query["comp"] == "page")
        {
            _held.Release();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _abandoned.Release();
            }
            return;
        }
        // Create Container and Put Blob (page blob): created, with what the SDK reads of the answer.
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.ETag = "\"0x8DC0000000000001\"";
        context.Response.Headers.LastModified = DateTimeOffset.UtcNow.ToString("R");
    }

    private static async Task WaitAsync(SemaphoreSlim events, int count, string what)
    {
        for (int i = 0; i < count; i++)
            await HangGuard.Within(events.WaitAsync(), $"{count} {what} (saw {i})");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
