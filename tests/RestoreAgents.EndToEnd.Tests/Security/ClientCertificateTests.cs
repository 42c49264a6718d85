using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// Both agents refuse, at the TLS handshake, a caller without a certificate, with a certificate of another CA, or
/// with an expired one; each refusal is an audit line naming the certificate and why.
/// </summary>
[Collection(AgentsCollection.Name)]
public sealed class ClientCertificateTests(AgentsFixture agents)
{
    public static TheoryData<string, string?, string> Callers => new()
    {
        { "media", null, "no client certificate" },
        { "data", null, "no client certificate" },
        { "media", TestPki.OtherCa, "it is not issued by a trusted CA" },
        { "data", TestPki.OtherCa, "it is not issued by a trusted CA" },
        { "media", TestPki.Expired, "it is valid only from" },
        { "data", TestPki.Expired, "it is valid only from" },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Agent_RefusesTheHandshake_AndAuditsWhy(string agent, string? certificate, string why)
    {
        var address = agent == "media" ? agents.MediaAgentUrl : agents.DataAgentUrl;
        var denied = agents.Audit.LineAsync(l => l.Contains("call=tls-handshake outcome=denied", StringComparison.Ordinal)
            && l.Contains(why, StringComparison.Ordinal)
            && (certificate is null || l.Contains($"caller={TestPki.Operator} (", StringComparison.Ordinal)));
        using var channel = certificate is null
            ? TlsProbe.WithoutClientCertificate(address)
            : ChannelPresenting(address, certificate);

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        // No HTTP response at all: the connection ended before any request was read. Under TLS 1.3 the client
        // finishes its handshake before the server checks its certificate, so the refusal reaches it either while
        // connecting (Unavailable) or as the HTTP/2 preface going unanswered (Internal); both are that.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.IsType<HttpRequestException>(refused.Status.DebugException, exactMatch: false);
        await denied.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Agent_AcceptsACertificateOfItsCa_ForAnyAuthenticatedCall()
    {
        using var channel = agents.DataAgentChannel(TestPki.Viewer);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    /// <summary>The bad certificates would be refused by our own channels too, so these trust the agent blindly.</summary>
    private GrpcChannel ChannelPresenting(Uri address, string who)
    {
        var files = agents.Pki.Files(who);
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
            files.CertificateFile, files.KeyFile);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    ClientCertificates = [certificate],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
            },
        });
    }
}
