using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>The cache folder's health probe writes only a file of its own, never through a link someone planted.</summary>
public sealed class CacheHealthTests : IDisposable
{
    private readonly TempDirectory _folder = new("cache-health");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Probe_WithLinksPlantedInTheCacheFolder_IsHealthy_AndWritesNothingThroughThem()
    {
        var cache = _folder.Combine("cache");
        Directory.CreateDirectory(cache);
        var target = _folder.Combine("someone-elses-file");
        File.WriteAllText(target, "keep");
        foreach (var name in new[] { ".health", ".probe", "health" })
            File.CreateSymbolicLink(Path.Combine(cache, name), target);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataAgent:CacheDirectory"] = cache })
            .Build();

        var result = CacheHealth.Check(configuration);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("keep", File.ReadAllText(target));
        Assert.Equal(3, Directory.GetFileSystemEntries(cache).Length);
    }
}
