namespace RestoreAgents.Testing;

/// <summary>
/// A command prefix that runs a program in a mount namespace of its own (unshare -m, as root) where one FUSE part
/// is missing: /dev/fuse hidden under a fresh /dev that has every other device, or libfuse3's file covered by an
/// empty one. The machine itself keeps both; only that process sees the host it would see without them.
/// </summary>
public static class HostWithout
{
    // Bind the real /dev aside, put an empty tmpfs over /dev, and bring back every entry but the hidden one.
    private const string HideDevice = """
        set -e
        keep=$1; shift
        mount --rbind /dev "$keep"
        mount -t tmpfs -o mode=755 restoreagents-test-dev /dev
        for name in $(ls -A "$keep"); do
          [ "$name" = fuse ] && continue
          if [ -L "$keep/$name" ]; then cp -P "$keep/$name" "/dev/$name"
          elif [ -d "$keep/$name" ]; then mkdir "/dev/$name"; mount --rbind "$keep/$name" "/dev/$name"
          else touch "/dev/$name"; mount --bind "$keep/$name" "/dev/$name"; fi
        done
        umount -l "$keep"
        exec "$@"
        """;

    // An empty file over the library: the loader finds it where it always does, and cannot load it.
    private const string HideLibrary = """
        set -e
        scratch=$1; library=$2; shift 2
        touch "$scratch/empty"
        mount --bind "$scratch/empty" "$library"
        exec "$@"
        """;

    /// <summary>The prefix for a command that must not see <paramref name="part"/>.</summary>
    /// <param name="scratch">An empty folder of the caller's for the namespace's own mounts.</param>
    public static async Task<IReadOnlyList<string>> PrefixAsync(FusePart part, string scratch)
    {
        Directory.CreateDirectory(scratch);
        string[] unshare = ["unshare", "--mount", "--propagation", "private", "sh", "-c"];
        return part switch
        {
            FusePart.Device => [.. unshare, HideDevice, "sh", scratch],
            _ => [.. unshare, HideLibrary, "sh", scratch, await LibFuse3PathAsync()],
        };
    }

    /// <summary>The file the loader opens for libfuse3.so.3 (ldconfig's cache, symlinks resolved).</summary>
    private static async Task<string> LibFuse3PathAsync()
    {
        var cache = await ProcessRunner.RunAsync("ldconfig", ["-p"]);
        var line = cache.StandardOutput.Split('\n')
            .FirstOrDefault(l => l.TrimStart().StartsWith("libfuse3.so.3 ", StringComparison.Ordinal) && l.Contains("x86-64"))
            ?? throw new InvalidOperationException($"ldconfig -p lists no libfuse3.so.3: install libfuse3-3\n{cache.Combined}");
        var path = line[(line.IndexOf("=> ", StringComparison.Ordinal) + 3)..].Trim();
        return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }
}
