using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// The libfuse3 entry points the driver uses, by their versioned names as libfuse 3.14 exports them
/// (<c>nm -D libfuse3.so.3</c>): fuse_new_31 and fuse_loop_mt_312 are what the 3.14 headers' macros call.
/// </summary>
internal static unsafe partial class LibFuse
{
    public const string LibraryName = "libfuse3.so.3";

    /// <summary>FUSE_CAP_ATOMIC_O_TRUNC (fuse_common.h): O_TRUNC arrives in open instead of a separate truncate.</summary>
    public const uint CapAtomicOTrunc = 1 << 3;

    /// <summary>FUSE_CAP_ASYNC_DIO (fuse_common.h): the kernel may send direct I/O requests in parallel.</summary>
    public const uint CapAsyncDio = 1 << 15;

    /// <summary>FUSE_CAP_WRITEBACK_CACHE (fuse_common.h): never wanted, writes must reach the cache at once.</summary>
    public const uint CapWritebackCache = 1 << 16;

    /// <summary>FUSE_MAX_MAX_PAGES × 4 KiB: the largest request buffer libfuse 3.14 allocates, so the largest write.</summary>
    public const uint MaxWrite = 1024 * 1024;

    [LibraryImport(LibraryName, EntryPoint = "fuse_new_31")]
    public static partial nint New(FuseArgs* args, FuseOperations* operations, nuint operationsSize, nint userData);

    [LibraryImport(LibraryName, EntryPoint = "fuse_mount")]
    public static partial int Mount(nint fuse, byte* mountPoint);

    [LibraryImport(LibraryName, EntryPoint = "fuse_unmount")]
    public static partial void Unmount(nint fuse);

    [LibraryImport(LibraryName, EntryPoint = "fuse_destroy")]
    public static partial void Destroy(nint fuse);

    [LibraryImport(LibraryName, EntryPoint = "fuse_loop_mt_312")]
    public static partial int LoopMultiThreaded(nint fuse, nint loopConfig);

    [LibraryImport(LibraryName, EntryPoint = "fuse_loop_cfg_create")]
    public static partial nint LoopConfigCreate();

    [LibraryImport(LibraryName, EntryPoint = "fuse_loop_cfg_destroy")]
    public static partial void LoopConfigDestroy(nint loopConfig);

    [LibraryImport(LibraryName, EntryPoint = "fuse_loop_cfg_set_max_threads")]
    public static partial void LoopConfigSetMaxThreads(nint loopConfig, uint value);

    [LibraryImport(LibraryName, EntryPoint = "fuse_get_context")]
    public static partial FuseContext* GetContext();

    [LibraryImport(LibraryName, EntryPoint = "fuse_opt_free_args")]
    public static partial void FreeArgs(FuseArgs* args);
}
