using Grpc.Core;
using Grpc.Health.V1;

namespace RestoreAgents.Connections.Tests;

/// <summary>One channel per address, kept until the factory goes, set up from the options, calling a real host.</summary>
public sealed class AgentChannelsTests : IAsyncLifetime
{
    private HealthHost _host = null!;

    public async Task InitializeAsync() => _host = await HealthHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Task<HealthCheckResponse> CheckAsync(Grpc.Net.Client.GrpcChannel channel,
        CancellationToken cancellationToken = default) =>
        new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken)
            .ResponseAsync;

    [Fact]
    public void For_TheSameAddress_GivesTheSameChannel()
    {
        using var channels = new AgentChannels(new AgentChannelOptions());

        var first = channels.For(new Uri("http://media-1:5010"));

        Assert.Same(first, channels.For(new Uri("http://media-1:5010")));
        Assert.Same(first, channels.For(new Uri("http://MEDIA-1:5010/")));
    }

    [Fact]
    public void For_DifferentAddresses_GivesDifferentChannels()
    {
        using var channels = new AgentChannels(new AgentChannelOptions());

        var first = channels.For(new Uri("http://media-1:5010"));

        Assert.NotSame(first, channels.For(new Uri("http://media-2:5010")));
        Assert.NotSame(first, channels.For(new Uri("http://media-1:5011")));
        Assert.NotSame(first, channels.For(new Uri("https://media-1:5010")));
    }

    [Fact]
    public async Task Calls_ThroughTheSharedChannel_ReachTheAgent()
    {
        using var channels = new AgentChannels(new AgentChannelOptions());

        var first = await CheckAsync(channels.For(_host.Address));
        var second = await CheckAsync(channels.For(_host.Address));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, first.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, second.Status);
    }

    [Fact]
    public async Task Dispose_DisposesEveryChannel_AndMakesNoMore()
    {
        var channels = new AgentChannels(new AgentChannelOptions());
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
        using var limited = new AgentChannels(new AgentChannelOptions { MaxReceiveMessageSize = 1 });
        using var unlimited = new AgentChannels(new AgentChannelOptions());

        var e = await Assert.ThrowsAsync<RpcException>(() => CheckAsync(limited.For(_host.Address)));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        await CheckAsync(unlimited.For(_host.Address));
    }

    [Fact]
    public async Task ACallCancelledByItsCaller_ThrowsOperationCanceled_NotAnRpcStatus()
    {
        using var channels = new AgentChannels(new AgentChannelOptions());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CheckAsync(channels.For(_host.Address), cancelled.Token));
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

        var e = Assert.Throws<ArgumentException>(() => new AgentChannels(options));

        Assert.StartsWith($"channel setting {setting} is ", e.Message);
    }
}
