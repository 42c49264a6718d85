using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RestoreAgents.Security;

namespace RestoreAgents.Connections.Tests;

/// <summary>
/// A real Kestrel host on a loopback port with the gRPC health service, serving HTTP/2 over TLS with a certificate
/// of a <see cref="TestPki"/> and demanding a client certificate, whose identity it remembers.
/// </summary>
public sealed class HealthHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _clients;

    private HealthHost(WebApplication app, List<string> clients)
    {
        _app = app;
        _clients = clients;
        Address = new Uri(app.Urls.Single());
    }

    public Uri Address { get; }

    /// <summary>The identities of the client certificates presented so far.</summary>
    public IReadOnlyList<string> Clients
    {
        get { lock (_clients) return [.. _clients]; }
    }

    /// <param name="certificate">Which of the PKI's certificates the host presents.</param>
    public static async Task<HealthHost> StartAsync(TestPki pki, string certificate = TestPki.MediaAgent)
    {
        var files = pki.Files(certificate);
        var serverCertificate = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
        var clients = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(serverCertificate, https =>
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) =>
                {
                    lock (clients) clients.Add(PeerIdentity.Of(client));
                    return true;
                };
            });
        }));
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks().AddCheck("agent", () => HealthCheckResult.Healthy());
        var app = builder.Build();
        app.MapGrpcHealthChecksService();
        await app.StartAsync();
        return new HealthHost(app, clients);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
