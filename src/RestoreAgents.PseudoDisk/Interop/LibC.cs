using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>The few glibc calls the driver needs beyond libfuse: stat with its errno, and who we run as.</summary>
internal static unsafe partial class LibC
{
    private const string LibraryName = "libc.so.6";

    [LibraryImport(LibraryName, EntryPoint = "stat", SetLastError = true)]
    private static partial int Stat(byte* path, NativeStat* buffer);

    [LibraryImport(LibraryName, EntryPoint = "statfs", SetLastError = true)]
    private static partial int StatFs(byte* path, byte* buffer);

    [LibraryImport(LibraryName, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(LibraryName, EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    /// <summary>stat(2) of a path: 0 and its device number, or the errno it failed with.</summary>
    public static int StatDevice(string path, out ulong device)
    {
        device = 0;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        NativeStat stat;
        fixed (byte* pointer = bytes)
        {
            if (Stat(pointer, &stat) != 0) return Marshal.GetLastPInvokeError();
        }
        device = stat.Device;
        return 0;
    }

    /// <summary>
    /// statfs(2) of a path: 0, or the errno it failed with. Unlike stat it always reaches a FUSE daemon (the
    /// kernel caches no statfs answer), so it tells a dead daemon from a live one at once.
    /// </summary>
    public static int StatFileSystem(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        byte* buffer = stackalloc byte[256]; // struct statfs is 120 bytes on x86_64; only the result matters
        fixed (byte* pointer = bytes)
        {
            return StatFs(pointer, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }
}
