using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// What the benchmark needs on this host, checked before anything starts: a missing part is a failure that
/// names it and the way out, never a contender silently left out.
/// </summary>
public static class Prerequisites
{
    public static void Check(bool needsFuse)
    {
        var missing = new List<string>();
        foreach (var (program, package) in new[]
                 {
                     ("qemu-img", "qemu-utils"), ("mkfs.ext4", "e2fsprogs"), ("sfdisk", "fdisk"), ("node", "nodejs"),
                 })
        {
            if (!OnPath(program)) missing.Add($"{program} is not on PATH (Debian package {package})");
        }
        if (needsFuse)
        {
            if (!File.Exists("/dev/fuse")) missing.Add("/dev/fuse is missing (load the fuse module)");
            if (!OnPath("fusermount3")) missing.Add("fusermount3 is not on PATH (Debian package fuse3)");
        }
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(azurite)) missing.Add($"Azurite is not installed ({azurite} is missing; npm ci)");
        foreach (var project in new[] { "RestoreAgents.MediaAgent", "RestoreAgents.DataAgent" })
        {
            var dll = Path.Combine(RepoPaths.Root, "src", project, "bin", "Release", "net10.0", project + ".dll");
            if (!File.Exists(dll)) missing.Add($"{dll} is missing (dotnet build -c Release)");
        }
        if (missing.Count > 0)
            throw new InvalidOperationException("the benchmark cannot run on this host:\n  - "
                + string.Join("\n  - ", missing) + "\nRun bench/run, which installs them (scripts/install-prerequisites) "
                + "and builds in Release.");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(["/usr/sbin", "/sbin"])
        .Any(folder => File.Exists(Path.Combine(folder, program)));
}
