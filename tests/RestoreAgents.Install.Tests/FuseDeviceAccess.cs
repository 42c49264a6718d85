using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// /dev/fuse open to every user, as udev's default rule makes it on a booted Debian host (50-udev-default.rules:
/// KERNEL=="fuse", MODE="0666"): fusermount3 opens it as the user who mounts. This machine runs no udev, so its
/// /dev/fuse may be 0600; the mode it had comes back on dispose.
/// </summary>
public sealed class FuseDeviceAccess : IAsyncDisposable
{
    private const string Device = "/dev/fuse";
    private readonly string? _modeBefore;

    private FuseDeviceAccess(string? modeBefore) => _modeBefore = modeBefore;

    public static async Task<FuseDeviceAccess> OpenToAllUsersAsync()
    {
        if (!File.Exists(Device))
            throw new InvalidOperationException($"{Device} is missing: this machine cannot mount FUSE file systems");
        var mode = (await ProcessRunner.RunCheckedAsync("stat", "-c", "%a", Device)).Trim();
        if (mode == "666") return new FuseDeviceAccess(null);
        await ProcessRunner.RunCheckedAsync("chmod", "0666", Device);
        return new FuseDeviceAccess(mode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_modeBefore is not null) await ProcessRunner.RunCheckedAsync("chmod", _modeBefore, Device);
    }
}
