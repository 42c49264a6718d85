using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>Clients that do what the product's clients never do: no client certificate, plaintext, a bare handshake.</summary>
internal static class TlsProbe
{
    /// <summary>A TLS channel that trusts any server and presents no client certificate.</summary>
    public static GrpcChannel WithoutClientCertificate(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        },
    });

    /// <summary>An h2c channel (gRPC without TLS) to the port of <paramref name="address"/>.</summary>
    public static GrpcChannel Plaintext(Uri address) =>
        GrpcChannel.ForAddress(new UriBuilder(address) { Scheme = Uri.UriSchemeHttp }.Uri);

    /// <summary>The certificate the server at <paramref name="port"/> presents now, to a client presenting <paramref name="client"/>.</summary>
    public static async Task<X509Certificate2> ServerCertificateAsync(int port, X509Certificate2 client)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [client],
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
