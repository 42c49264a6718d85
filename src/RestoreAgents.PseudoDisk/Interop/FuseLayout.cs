using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// The architecture whose C layouts the struct mirrors (<see cref="FuseOperations"/>, <see cref="FuseFileInfo"/>,
/// <see cref="NativeStat"/>, <see cref="NativeStatVfs"/>, ...) were checked against, with libfuse3 3.14's and
/// glibc's headers on Linux: x86_64. Elsewhere a field at a wrong offset would corrupt memory without a word, so
/// mounting is refused until someone checks that architecture's layout and adds it here.
/// </summary>
internal static class FuseLayout
{
    public const Architecture CheckedArchitecture = Architecture.X64;

    /// <summary>Throws <see cref="PseudoDiskUnavailableException"/> unless Linux on this architecture was checked.</summary>
    public static void EnsureChecked(Architecture architecture)
    {
        if (architecture == CheckedArchitecture) return;
        throw new PseudoDiskUnavailableException(
            $"the FUSE pseudo-disk cannot be mounted on {architecture} Linux: its mirrors of libfuse3's C structs "
            + $"(fuse_operations, fuse_file_info, stat, statvfs) were checked on {CheckedArchitecture} Linux only, "
            + "and a wrong layout would corrupt memory. Restore without FUSE (the data agent's "
            + "DataAgent:PseudoDisk=direct) until the layout is checked for this architecture",
            [$"struct layouts checked for {architecture} Linux"]);
    }
}
