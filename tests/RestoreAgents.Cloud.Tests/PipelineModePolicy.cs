using Azure.Core;
using Azure.Core.Pipeline;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Counts the requests the SDK sent through its synchronous pipeline and through its asynchronous one.</summary>
internal sealed class PipelineModePolicy : HttpPipelinePolicy
{
    private int _synchronous;
    private int _asynchronous;

    public int Synchronous => Volatile.Read(ref _synchronous);

    public int Asynchronous => Volatile.Read(ref _asynchronous);

    public void AddTo(CloudOptions options) =>
        options.ConfigureClient = client => client.AddPolicy(this, HttpPipelinePosition.PerCall);

    public void Clear()
    {
        Volatile.Write(ref _synchronous, 0);
        Volatile.Write(ref _asynchronous, 0);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _synchronous);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _asynchronous);
        return ProcessNextAsync(message, pipeline);
    }
}
