using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// struct fuse_operations of libfuse 3.14 (fuse.h, FUSE_USE_VERSION 314), x86_64 Linux: 42 function pointers,
/// 336 bytes, in the header's order. Operations the driver does not serve stay null (libfuse answers ENOSYS).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseOperations
{
    public delegate* unmanaged[Cdecl]<byte*, NativeStat*, FuseFileInfo*, int> GetAttributes;
    public nint ReadLink;
    public nint MakeNode;
    public delegate* unmanaged[Cdecl]<byte*, uint, int> MakeDirectory;
    public delegate* unmanaged[Cdecl]<byte*, int> Unlink;
    public delegate* unmanaged[Cdecl]<byte*, int> RemoveDirectory;
    public nint SymbolicLink;
    public nint Rename;
    public nint Link;
    public nint ChangeMode;
    public nint ChangeOwner;
    public delegate* unmanaged[Cdecl]<byte*, long, FuseFileInfo*, int> Truncate;
    public delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int> Open;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int> Read;
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int> Write;
    public delegate* unmanaged[Cdecl]<byte*, NativeStatVfs*, int> StatFileSystem;
    public delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int> Flush;
    public delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int> Release;
    public delegate* unmanaged[Cdecl]<byte*, int, FuseFileInfo*, int> Sync;
    public nint SetExtendedAttribute;
    public nint GetExtendedAttribute;
    public nint ListExtendedAttributes;
    public nint RemoveExtendedAttribute;
    public nint OpenDirectory;
    public delegate* unmanaged[Cdecl]<byte*, nint, nint, long, FuseFileInfo*, int, int> ReadDirectory;
    public nint ReleaseDirectory;
    public nint SyncDirectory;
    public delegate* unmanaged[Cdecl]<FuseConnectionInfo*, FuseConfig*, nint> Init;
    public delegate* unmanaged[Cdecl]<nint, void> Destroy;
    public nint Access;
    public delegate* unmanaged[Cdecl]<byte*, uint, FuseFileInfo*, int> Create;
    public nint Lock;
    public delegate* unmanaged[Cdecl]<byte*, NativeTimespec*, FuseFileInfo*, int> SetTimes;
    public nint BlockMap;
    public nint IoControl;
    public nint Poll;
    public nint WriteBuffer;
    public nint ReadBuffer;
    public nint FileLock;
    public nint Allocate;
    public nint CopyFileRange;
    public nint Seek;
}
