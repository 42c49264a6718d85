using System.Net;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.Connections;
using RestoreAgents.Security;

namespace RestoreAgents.Testing;

/// <summary>
/// A throwaway CA in a temporary folder, made as `restorectl certs` makes one, with certificates for the parts
/// of a test (the data agent, the media agent, an operator, a viewer, all for localhost and 127.0.0.1) and the bad
/// ones the security tests present: one of another CA, one expired, and a media agent's under a wrong name.
/// </summary>
public sealed class TestPki : IDisposable
{
    public const string DataAgent = "data-agent";
    public const string MediaAgent = "media-agent";
    public const string Operator = "operator";
    public const string Viewer = "viewer";
    /// <summary>Named "operator", but issued by another CA.</summary>
    public const string OtherCa = "other-ca";
    /// <summary>The operator's name, from the right CA, but expired a week ago.</summary>
    public const string Expired = "expired";
    /// <summary>"media-agent" from the right CA, for the host elsewhere.invalid only: not for 127.0.0.1.</summary>
    public const string WrongName = "wrong-name";

    private readonly TempDirectory _folder = new("restoreagents-pki");

    public TestPki()
    {
        var time = TimeProvider.System;
        // Backdated, so that it could issue the certificate that expired a week ago.
        using var ca = CertificateAuthority.Create("RestoreAgents Test CA", TimeSpan.FromDays(60), time,
            notBefore: time.GetUtcNow().AddDays(-30));
        ca.Save(CaFile, _folder.Combine("ca.key"));
        IPAddress[] loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        foreach (var name in new[] { DataAgent, MediaAgent, Operator, Viewer })
            Save(name, ca.Issue(name, ["localhost"], loopback, TimeSpan.FromDays(7), time));
        Save(Expired, ca.Issue(Operator, ["localhost"], loopback, TimeSpan.FromDays(1), time,
            notBefore: time.GetUtcNow().AddDays(-8)));
        Save(WrongName, ca.Issue(MediaAgent, ["elsewhere.invalid"], [], TimeSpan.FromDays(7), time));
        using var other = CertificateAuthority.Create("RestoreAgents Test CA", TimeSpan.FromDays(30), time);
        Save(OtherCa, other.Issue(Operator, ["localhost"], loopback, TimeSpan.FromDays(7), time));
    }

    /// <summary>The folder all files are in.</summary>
    public string Folder => _folder.Path;

    /// <summary>The CA certificate every part trusts.</summary>
    public string CaFile => _folder.Combine("ca.pem");

    /// <summary>The CA's key, for tests that issue more.</summary>
    public string CaKeyFile => _folder.Combine("ca.key");

    public CertificateFiles Files(string who) => new(_folder.Combine(who + ".pem"), _folder.Combine(who + ".key"), CaFile);

    /// <summary>--Tls:* settings presenting <paramref name="who"/>'s certificate.</summary>
    public string[] TlsSettings(string who)
    {
        var files = Files(who);
        return [$"--Tls:CertificateFile={files.CertificateFile}", $"--Tls:KeyFile={files.KeyFile}",
            $"--Tls:TrustedCaFile={files.TrustedCaFile}"];
    }

    /// <summary>A data agent as "data-agent", where "operator" operates and "viewer" views.</summary>
    public string[] DataAgentSettings() =>
        [.. TlsSettings(DataAgent), $"--Access:Roles:operator:0={Operator}", $"--Access:Roles:viewer:0={Viewer}"];

    /// <summary>A media agent as "media-agent", read by "data-agent" and viewed by "viewer".</summary>
    public string[] MediaAgentSettings() =>
        [.. TlsSettings(MediaAgent), $"--Access:Roles:data-agent:0={DataAgent}", $"--Access:Roles:viewer:0={Viewer}"];

    /// <summary>Channels presenting <paramref name="who"/>'s certificate and trusting the test CA.</summary>
    public AgentChannels Channels(string who, TimeProvider? time = null) =>
        new(new AgentChannelOptions(), new CertificateSource(Files(who), NullLogger.Instance, watch: false), time);

    /// <summary>A channel to one agent as <paramref name="who"/>; disposing it closes its connections.</summary>
    public GrpcChannel Channel(Uri address, string who) => Channels(who).For(address);

    public void Dispose() => _folder.Dispose();

    private void Save(string fileName, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using (certificate)
            CertificateAuthority.Save(certificate, _folder.Combine(fileName + ".pem"), _folder.Combine(fileName + ".key"));
    }
}
