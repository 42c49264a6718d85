using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.Security;

namespace RestoreAgents.Connections.Tests;

/// <summary>
/// One channel per address, kept until the factory goes, set up from the options, calling a real host over mutual
/// TLS: the client certificate goes out, and an agent's certificate is checked against the CA and the name dialled.
/// </summary>
public sealed class AgentChannelsTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private HealthHost _host = null!;

    public async Task InitializeAsync() => _host = await HealthHost.StartAsync(_pki);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _pki.Dispose();
    }

    /// <summary>Channels as the data agent makes them, allowing http:// too where a test names one.</summary>
    private AgentChannels Channels(AgentChannelOptions? options = null) => new(options ?? new AgentChannelOptions
    {
        AllowPlaintext = true,
    }, new CertificateSource(_pki.Files(TestPki.DataAgent), NullLogger.Instance, watch: false));

    private static Task<HealthCheckResponse> CheckAsync(Grpc.Net.Client.GrpcChannel channel,
        CancellationToken cancellationToken = default) =>
        new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken)
            .ResponseAsync;

    [Fact]
    public void For_TheSameAddress_GivesTheSameChannel()
    {
        using var channels = Channels();

        var first = channels.For(new Uri("http://media-1:5010"));

        Assert.Same(first, channels.For(new Uri("http://media-1:5010")));
        Assert.Same(first, channels.For(new Uri("http://MEDIA-1:5010/")));
    }

    [Fact]
    public void For_DifferentAddresses_GivesDifferentChannels()
    {
        using var channels = Channels();

        var first = channels.For(new Uri("http://media-1:5010"));

        Assert.NotSame(first, channels.For(new Uri("http://media-2:5010")));
        Assert.NotSame(first, channels.For(new Uri("http://media-1:5011")));
        Assert.NotSame(first, channels.For(new Uri("https://media-1:5010")));
    }

    [Fact]
    public async Task Calls_ThroughTheSharedChannel_ReachTheAgent()
    {
        using var channels = Channels();

        var first = await CheckAsync(channels.For(_host.Address));
        var second = await CheckAsync(channels.For(_host.Address));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, first.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, second.Status);
    }

    [Fact]
    public async Task Dispose_DisposesEveryChannel_AndMakesNoMore()
    {
        var channels = Channels();
        var channel = channels.For(_host.Address);
        var other = channels.For(new Uri("http://media-2:5010"));
        await CheckAsync(channel);

        channels.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => CheckAsync(channel));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => CheckAsync(other));
        Assert.Throws<ObjectDisposedException>(() => channels.For(_host.Address));
        channels.Dispose(); // twice is fine
    }

    [Fact]
    public async Task MaxReceiveMessageSize_LimitsWhatACallMayReceive()
    {
        // The health answer is two bytes: a limit of one refuses it, the default takes it.
        using var limited = Channels(new AgentChannelOptions { MaxReceiveMessageSize = 1 });
        using var unlimited = Channels();

        var e = await Assert.ThrowsAsync<RpcException>(() => CheckAsync(limited.For(_host.Address)));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        await CheckAsync(unlimited.For(_host.Address));
    }

    [Fact]
    public async Task ACallCancelledByItsCaller_ThrowsOperationCanceled_NotAnRpcStatus()
    {
        using var channels = Channels();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CheckAsync(channels.For(_host.Address), cancelled.Token));
    }

    [Fact]
    public async Task Calls_PresentTheClientCertificate()
    {
        using var channels = Channels();

        await CheckAsync(channels.For(_host.Address));

        Assert.Equal([TestPki.DataAgent], _host.Clients.Distinct());
    }

    [Theory]
    [InlineData(TestPki.OtherCa, "is refused: it is not issued by a trusted CA")]
    [InlineData(TestPki.Expired, "is refused: it is valid only from")]
    [InlineData(TestPki.WrongName, "does not name 127.0.0.1 (its names: elsewhere.invalid)")]
    public async Task AnAgentsCertificate_OfAnotherCa_Expired_OrForAnotherName_IsRefused_SayingWhy(string certificate,
        string why)
    {
        await using var impostor = await HealthHost.StartAsync(_pki, certificate);
        using var channels = Channels();

        var e = await Assert.ThrowsAsync<RpcException>(() => CheckAsync(channels.For(impostor.Address)));

        var refused = PeerCertificateRejectedException.FindIn(e.Status.DebugException);
        Assert.NotNull(refused);
        Assert.Contains(why, refused.Message);
    }

    [Fact]
    public void APlaintextAddress_IsRefused_UnlessPlaintextIsAllowed()
    {
        using var channels = Channels(new AgentChannelOptions());

        var e = Assert.Throws<ArgumentException>(() => channels.For(new Uri("http://media-1:5010")));

        Assert.Contains("plaintext", e.Message);
    }

    [Fact]
    public void AnHttpsAddress_WithoutCertificates_IsRefused()
    {
        using var channels = new AgentChannels(new AgentChannelOptions(), null);

        var e = Assert.Throws<ArgumentException>(() => channels.For(_host.Address));

        Assert.Contains("no client certificate is configured", e.Message);
    }

    [Theory]
    [InlineData(nameof(AgentChannelOptions.ConnectTimeout))]
    [InlineData(nameof(AgentChannelOptions.KeepAlivePingDelay))]
    [InlineData(nameof(AgentChannelOptions.KeepAlivePingTimeout))]
    [InlineData(nameof(AgentChannelOptions.MaxReceiveMessageSize))]
    public void ASettingThatCannotWork_StopsTheChannels_NamingIt(string setting)
    {
        var options = new AgentChannelOptions();
        switch (setting)
        {
            case nameof(AgentChannelOptions.ConnectTimeout): options.ConnectTimeout = TimeSpan.Zero; break;
            case nameof(AgentChannelOptions.KeepAlivePingDelay): options.KeepAlivePingDelay = TimeSpan.Zero; break;
            case nameof(AgentChannelOptions.KeepAlivePingTimeout): options.KeepAlivePingTimeout = TimeSpan.Zero; break;
            default: options.MaxReceiveMessageSize = 0; break;
        }

        var e = Assert.Throws<ArgumentException>(() => new AgentChannels(options, null));

        Assert.StartsWith($"channel setting {setting} is ", e.Message);
    }
}
