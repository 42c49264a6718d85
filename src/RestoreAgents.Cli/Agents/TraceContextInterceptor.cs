using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RestoreAgents.Cli.Agents;

/// <summary>
/// Puts the current activity into each call's metadata as W3C trace context, so the agent's spans join the
/// controller's trace even when HttpClient's own propagation is switched off.
/// </summary>
internal sealed class TraceContextInterceptor : Interceptor
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithTraceContext(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithTraceContext(context));

    private static ClientInterceptorContext<TRequest, TResponse> WithTraceContext<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is null)
            return context;

        // A copy, so a caller's Metadata instance is never changed under it.
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
            headers.Add(entry);
        if (headers.Get(TraceParent) is null)
        {
            headers.Add(TraceParent, activity.Id);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
                headers.Add(TraceState, activity.TraceStateString);
        }
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host,
            context.Options.WithHeaders(headers));
    }
}
