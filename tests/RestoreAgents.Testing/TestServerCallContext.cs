using Grpc.Core;

namespace RestoreAgents.Testing;

/// <summary>
/// The context of one gRPC call made straight on a service object, without a host: lets a test call a service
/// method as a method, with a cancellation token of its choice.
/// </summary>
public sealed class TestServerCallContext(string method, CancellationToken cancellationToken) : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = [];

    public static TestServerCallContext Create(string method = "/test/Call",
        CancellationToken cancellationToken = default) => new(method, cancellationToken);

    /// <summary>The headers the service wrote, or null when it wrote none.</summary>
    public Metadata? ResponseHeaders { get; private set; }

    protected override string MethodCore => method;
    protected override string HostCore => "127.0.0.1";
    protected override string PeerCore => "ipv4:127.0.0.1:0";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => cancellationToken;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("no outgoing calls from a service under test");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        if (ResponseHeaders is not null) throw new InvalidOperationException("response headers were already written");
        ResponseHeaders = responseHeaders;
        return Task.CompletedTask;
    }
}
