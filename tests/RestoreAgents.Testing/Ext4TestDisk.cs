using System.Text;

namespace RestoreAgents.Testing;

/// <summary>
/// Builds a realistic small disk: a raw file holding an ext4 file system (mkfs.ext4 -d) with real files copied in,
/// a few MiB of them, the rest of the disk empty. What backups of VMs mostly look like, in tens of MiB.
/// </summary>
public static class Ext4TestDisk
{
    public static async Task CreateAsync(string path, long size, int seed)
    {
        var content = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"ext4-content-{Guid.NewGuid():N}");
        try
        {
            WriteFiles(content, new Random(seed));
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
                file.SetLength(size);
            await ProcessRunner.RunCheckedAsync("mkfs.ext4", "-q", "-F", "-b", "4096", "-L", "testdisk",
                "-E", "root_owner=0:0", "-d", content, path);
        }
        finally
        {
            Directory.Delete(content, recursive: true);
        }
    }

    private static void WriteFiles(string root, Random random)
    {
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateDirectory(Path.Combine(root, "var", "lib", "data"));
        var text = new StringBuilder();
        for (var line = 0; line < 2000; line++) text.AppendLine($"line {line}: {random.NextInt64():x16} of a config file");
        File.WriteAllText(Path.Combine(root, "etc", "app.conf"), text.ToString());
        File.WriteAllText(Path.Combine(root, "etc", "hostname"), "vm01\n");
        // Incompressible files of odd sizes, so blocks, clusters and grains end mid-way.
        foreach (var (name, length) in new[] { ("db.bin", 3_000_017), ("log.bin", 1_234_567), ("small.bin", 4_099) })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(root, "var", "lib", "data", name), bytes);
        }
        // A compressible file: runs of repeated bytes, as in logs and binaries.
        var runs = new byte[700_001];
        for (var i = 0; i < runs.Length; i++) runs[i] = (byte)(i / 4096 % 7);
        File.WriteAllBytes(Path.Combine(root, "var", "lib", "data", "runs.bin"), runs);
    }
}
