using RestoreAgents.Caching;
using Microsoft.Extensions.Options;
using RestoreAgents.PseudoDisk;

using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Disks;

/// <summary>
/// Restores through the FUSE pseudo-disk: mounts it at DataAgent:MountPath when the agent starts (clearing what a
/// killed agent left there) or, if that failed, when the next job needs it — a host without FUSE still starts,
/// and its jobs fail naming the missing part. Serves each job's disk as <c>MountPath/JOB/COPY.vhd</c>, and
/// unmounts when the agent stops.
/// </summary>
internal sealed class FuseRestoreDiskFactory(IOptions<DataAgentOptions> options, ILogger<FuseRestoreDiskFactory> logger)
    : IRestoreDiskFactory, IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _mounting = new(1, 1);
    private PseudoDiskMount? _mount;
    private bool _disposed;
    private volatile string? _mountProblem;

    /// <summary>Why the last try to mount failed; null once mounted (or before the first try).</summary>
    public string? MountProblem => _mountProblem;

    /// <summary>What the mounted pseudo-disk has served (null before it is mounted): tests see the writes go through it.</summary>
    internal PseudoDiskStatistics? Statistics => _mount?.Statistics;

    public async ValueTask<IRestoreDisk> CreateAsync(RestoreJob job, PageCache cache,
        CancellationToken cancellationToken)
    {
        var mount = await MountAsync(cancellationToken);
        var disk = FuseRestoreDisk.Open(mount, job.Id, DiskFileName(job.Copy.Name), cache);
        logger.LogInformation("Restore {Job} writes through the pseudo-disk file {Path}", job.Id, disk.Path);
        return disk;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PseudoDisk != PseudoDiskMode.Fuse) return;
        try
        {
            await MountAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            logger.LogWarning("Restore jobs will fail until this is fixed: {Error}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _mounting.WaitAsync();
        try
        {
            _disposed = true;
            if (_mount is not null) await _mount.DisposeAsync();
            _mount = null;
        }
        finally
        {
            _mounting.Release();
        }
    }

    /// <summary>The copy's name with .vhd (the blob becomes a VHD), or "disk.vhd" when that is no valid file name.</summary>
    internal static string DiskFileName(string copyName)
    {
        var name = copyName + ".vhd";
        return PseudoDiskNames.Check(name) == 0 ? name : "disk.vhd";
    }

    private async Task<PseudoDiskMount> MountAsync(CancellationToken cancellationToken)
    {
        await _mounting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _mount ??= await PseudoDiskMount.MountAsync(options.Value.MountPath, new PseudoDiskMountOptions(),
                logger, cancellationToken);
            _mountProblem = null;
            return _mount;
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            // No silent fallback to direct writes: the operator chose FUSE, so say why it failed and the way out.
            _mountProblem = $"DataAgent:PseudoDisk is fuse, but mounting the pseudo-disk at DataAgent:MountPath "
                + $"'{options.Value.MountPath}' failed: {e.Message}. To restore without FUSE, set "
                + "DataAgent:PseudoDisk=direct";
            throw new InvalidOperationException(_mountProblem, e);
        }
        finally
        {
            _mounting.Release();
        }
    }
}
