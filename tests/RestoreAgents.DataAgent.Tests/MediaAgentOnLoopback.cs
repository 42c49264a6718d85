using Microsoft.AspNetCore.Builder;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// A real media agent on a free loopback port over mutual TLS (its <see cref="Pki"/>), serving one copy,
/// <see cref="CopyName"/>, of 3 MiB + 1536 bytes.
/// </summary>
public sealed class MediaAgentOnLoopback : IAsyncLifetime
{
    public const string CopyName = "vm01";
    public const long DiskSize = 3 * 1024 * 1024 + 1536;

    private readonly TestCopyStore _copies = new();
    private WebApplication? _host;

    public Uri Url { get; private set; } = null!;

    public TestPki Pki { get; } = new();

    public async Task InitializeAsync()
    {
        await _copies.BackUpAsync(CopyName, DiskSize, seed: 3);
        _host = MediaAgentHost.Build(["--urls", "https://127.0.0.1:0", $"--MediaAgent:StorePath={_copies.StorePath}",
            "--Logging:LogLevel:Default=Warning", .. Pki.MediaAgentSettings()]);
        await _host.StartAsync();
        Url = new Uri(_host.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _copies.Dispose();
        Pki.Dispose();
    }
}
