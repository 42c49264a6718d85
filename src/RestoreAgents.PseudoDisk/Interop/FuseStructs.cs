using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

// Mirrors of the libfuse 3.14 structs (FUSE_USE_VERSION 314) on x86_64 Linux. Sizes and offsets were checked
// against /usr/include/fuse3 with offsetof/sizeof; the comments give the C sizes, FuseStructLayoutTests pins them,
// and FuseLayout refuses to mount on an architecture whose layout nobody checked.

/// <summary>struct fuse_args (fuse_opt.h), 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int Argc;
    public byte** Argv;
    public int Allocated;
}

/// <summary>struct fuse_context (fuse.h), 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseContext
{
    public nint Fuse;
    public uint Uid;
    public uint Gid;
    public int Pid;
    public nint PrivateData;
    public uint Umask;
}

/// <summary>struct fuse_conn_info (fuse_common.h), 128 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConnectionInfo
{
    public uint ProtocolMajor;
    public uint ProtocolMinor;
    public uint MaxWrite;
    public uint MaxRead;
    public uint MaxReadahead;
    public uint Capable;
    public uint Want;
    public uint MaxBackground;
    public uint CongestionThreshold;
    public uint TimeGranularity;
    public fixed uint Reserved[22];
}

/// <summary>struct fuse_config (fuse.h), 128 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseConfig
{
    public int SetGid;
    public uint Gid;
    public int SetUid;
    public uint Uid;
    public int SetMode;
    public uint Umask;
    public double EntryTimeout;
    public double NegativeTimeout;
    public double AttributeTimeout;
    public int Intr;
    public int IntrSignal;
    public int Remember;
    public int HardRemove;
    public int UseIno;
    public int ReaddirIno;
    public int DirectIo;
    public int KernelCache;
    public int AutoCache;
    public int NoReadOnlyFdFlush;
    public int AcAttributeTimeoutSet;
    public double AcAttributeTimeout;
    public int NullPathOk;
    public int ShowHelp;
    public nint Modules;
    public int Debug;
}

/// <summary>struct fuse_file_info (fuse_common.h), 40 bytes; the C bit fields are one uint here.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFileInfo
{
    public const uint DirectIoBit = 1 << 1;
    public const uint KeepCacheBit = 1 << 2;

    public int Flags;
    public uint Bits;
    public uint Padding2;
    public ulong FileHandle;
    public ulong LockOwner;
    public uint PollEvents;
}

/// <summary>struct stat (x86_64 glibc), 144 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeStat
{
    public ulong Device;
    public ulong Inode;
    public ulong LinkCount;
    public uint Mode;
    public uint Uid;
    public uint Gid;
    public int Padding0;
    public ulong SpecialDevice;
    public long Size;
    public long BlockSize;
    public long Blocks;
    public long AccessSeconds;
    public long AccessNanoseconds;
    public long ModifySeconds;
    public long ModifyNanoseconds;
    public long ChangeSeconds;
    public long ChangeNanoseconds;
    public fixed long Reserved[3];
}

/// <summary>struct statvfs (x86_64 glibc), 112 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeStatVfs
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong FreeBlocks;
    public ulong AvailableBlocks;
    public ulong Files;
    public ulong FreeFiles;
    public ulong AvailableFiles;
    public ulong FileSystemId;
    public ulong Flags;
    public ulong MaxNameLength;
    public fixed int Spare[6];
}

/// <summary>struct timespec (x86_64), 16 bytes; utimens passes two of them.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeTimespec
{
    /// <summary>UTIME_NOW and UTIME_OMIT (sys/stat.h) travel in the nanoseconds field.</summary>
    public const long UtimeNow = (1L << 30) - 1;
    public const long UtimeOmit = (1L << 30) - 2;

    public long Seconds;
    public long Nanoseconds;
}
