namespace RestoreAgents.Caching.Tests;

public sealed class SynchronousCompletionTests
{
    [Fact]
    public void EnsureCompleted_ReturnsTheResult_OfATaskThatCompletedSynchronously()
    {
        Assert.Equal(42, ValueTask.FromResult(42).EnsureCompleted());
        Assert.Equal("done", Task.FromResult("done").EnsureCompleted());
        ValueTask.CompletedTask.EnsureCompleted();
        Task.CompletedTask.EnsureCompleted();
    }

    [Fact]
    public void EnsureCompleted_RethrowsTheTasksOwnException_NotAnAggregate()
    {
        var failure = new PageUploadException(512, "memory://blob", new IOException("gone"));

        Assert.Same(failure, Assert.Throws<PageUploadException>(() => ValueTask.FromException(failure).EnsureCompleted()));
        Assert.Same(failure, Assert.Throws<PageUploadException>(() => Task.FromException(failure).EnsureCompleted()));
        Assert.Same(failure,
            Assert.Throws<PageUploadException>(() => ValueTask.FromException<int>(failure).EnsureCompleted()));
    }

    [Fact]
    public async Task EnsureCompleted_Throws_WhenTheTaskDidNotCompleteSynchronously_InsteadOfWaitingForIt()
    {
        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // On a thread of its own, so a call that waited would fail the guard instead of hanging the run.
        var calls = Task.Run(() => new Exception[]
        {
            Assert.Throws<InvalidOperationException>(() => new ValueTask<int>(pending.Task).EnsureCompleted()),
            Assert.Throws<InvalidOperationException>(() => new ValueTask(pending.Task).EnsureCompleted()),
            Assert.Throws<InvalidOperationException>(() => pending.Task.EnsureCompleted()),
        });
        var failures = await calls.WaitAsync(HangGuard.Timeout);

        Assert.All(failures, e => Assert.Contains("did not complete synchronously", e.Message));
        Assert.False(pending.Task.IsCompleted);
    }
}
