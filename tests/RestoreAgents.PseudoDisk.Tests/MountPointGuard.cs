using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>
/// Lazily unmounts whatever is still mounted at a folder when disposed, for tests whose mount belongs to no
/// <see cref="PseudoDiskMount"/> (a killed process's): a test that fails halfway leaves no mount to the next run.
/// </summary>
internal sealed class MountPointGuard(string mountPath) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (MountTable.Find(mountPath) is not null)
            await ProcessRunner.RunAsync("fusermount3", ["-u", "-z", mountPath]);
    }
}
