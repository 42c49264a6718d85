using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RestoreAgents.Testing;

namespace RestoreAgents.Store.Tests;

/// <summary>
/// A manifest is checked whenever it is read: a damaged or forged one is left out of the list (with a warning naming
/// its file) and cannot be described or read, while the sound copies beside it go on being served.
/// </summary>
public sealed class DamagedManifestTests : IDisposable
{
    private const int Block = 64 * 1024;
    private readonly TempDirectory _folder = new();
    private readonly CapturingLogger<SecondaryCopyStore> _log = new();
    private readonly SecondaryCopyStore _store;

    public DamagedManifestTests() => _store = new SecondaryCopyStore(_folder.Combine("store"), _log);

    public static TheoryData<string, string> Damages => new()
    {
        { "hex-id", "blocks[1].sha256" },
        { "path-id", "blocks[0].sha256" },
        { "negative-size", "diskSize" },
        { "huge-block-size", "blockSize" },
        { "index-beyond-disk", "blocks[2].index" },
        { "descending-index", "blocks[1].index" },
        { "other-name", "name" },
        { "not-json", "its JSON" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ListCopies_LeavesOutADamagedManifest_WarningWithItsFile_AndListsTheSoundOnes(string damage,
        string field)
    {
        await BackUpGoodCopyAsync();
        var path = WriteDamaged(damage);

        var names = _store.ListCopies().Select(c => c.Name);

        Assert.Equal(["good"], names);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(path, warning.Message);
        Assert.Contains(field, warning.Message);
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task GetCopyAndReadBlocks_OfADamagedManifest_NameTheCopyAndTheField(string damage, string field)
    {
        await BackUpGoodCopyAsync();
        WriteDamaged(damage);

        var described = Assert.Throws<DamagedManifestException>(() => _store.GetCopy(damage));
        var read = await Assert.ThrowsAsync<DamagedManifestException>(async () =>
        {
            await foreach (var _ in _store.ReadBlocksAsync(damage, null, CancellationToken.None)) { }
        });

        Assert.All(new[] { described, read }, error =>
        {
            Assert.Equal(damage, error.CopyName);
            Assert.Equal(field, error.Field);
            Assert.StartsWith($"the manifest of copy '{damage}' is damaged: {field} ", error.Message);
            Assert.DoesNotContain(_store.RootPath, error.Message);
        });
    }

    private async Task BackUpGoodCopyAsync()
    {
        var image = _folder.Combine("good.raw");
        await TestDiskImage.CreateAsync(image, 1L << 20, seed: 1, dataFraction: 1.0);
        await new BackupWriter(_store).BackupAsync(image, "good", new BackupOptions { BlockSize = Block }, null,
            CancellationToken.None);
    }

    /// <summary>The good copy's manifest, damaged one way, as copy <paramref name="damage"/>; returns its path.</summary>
    private string WriteDamaged(string damage)
    {
        var path = ManifestPath(damage);
        if (damage == "not-json")
        {
            File.WriteAllText(path, "{ \"name\": \"not-json\", \"diskSize\": ");
            return path;
        }
        var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath("good")))!.AsObject();
        manifest["name"] = damage;
        var blocks = manifest["blocks"]!.AsArray();
        switch (damage)
        {
            case "hex-id": blocks[1]!["sha256"] = new string('z', 64); break;
            // Chunks are found by their id: an id that is a path would read any file of the host.
            case "path-id": blocks[0]!["sha256"] = "../../../../../../../../etc/passwd"; break;
            case "negative-size": manifest["diskSize"] = -1; break;
            case "huge-block-size": manifest["blockSize"] = 1 << 30; break;
            case "index-beyond-disk": blocks[2]!["index"] = 1L << 40; break;
            case "descending-index": blocks[1]!["index"] = 0; break;
            case "other-name": manifest["name"] = "good"; break;
            default: throw new ArgumentException(damage);
        }
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    private string ManifestPath(string name) => Path.Combine(_store.RootPath, "copies", name + ".json");

    public void Dispose() => _folder.Dispose();
}
