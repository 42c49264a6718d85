using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// The functions libfuse calls, one per served operation. Each finds its <see cref="FuseSession"/> through
/// fuse_get_context()->private_data (a GCHandle), hands raw pointers to the managed file system as spans, and
/// never lets an exception reach native code: an unexpected one is logged and answered with EIO.
/// </summary>
internal static unsafe class FuseCallbacks
{
    private const int OAccessModeMask = 3; // O_ACCMODE
    private const int OWriteOnly = 1;
    private const int OReadWrite = 2;
    private const int OTruncate = 0x200; // O_TRUNC, 01000 octal
    // The disks hold restored data: the mounting user's alone, as the page cache files behind them are.
    private const uint DirectoryMode = 0x4000 | 0x1C0; // S_IFDIR | 0700
    private const uint FileMode = 0x8000 | 0x180; // S_IFREG | 0600

    public static void Fill(FuseOperations* operations)
    {
        operations->GetAttributes = &GetAttributes;
        operations->MakeDirectory = &MakeDirectory;
        operations->Unlink = &Unlink;
        operations->RemoveDirectory = &RemoveDirectory;
        operations->Truncate = &Truncate;
        operations->Open = &Open;
        operations->Read = &Read;
        operations->Write = &Write;
        operations->StatFileSystem = &StatFileSystem;
        operations->Flush = &Flush;
        operations->Release = &Release;
        operations->Sync = &Sync;
        operations->ReadDirectory = &ReadDirectory;
        operations->Init = &Init;
        operations->Destroy = &Destroy;
        operations->Create = &Create;
        operations->SetTimes = &SetTimes;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Init(FuseConnectionInfo* connection, FuseConfig* config)
    {
        var privateData = LibFuse.GetContext()->PrivateData;
        try
        {
            FuseSession.From(privateData).Configure(connection, config);
        }
        catch (Exception e)
        {
            FuseSession.TryFrom(privateData)?.LogFailure("init", null, e);
        }
        // What init returns becomes private_data for every later call: keep the session's handle there.
        return privateData;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(nint privateData)
    {
        // The session's handle is freed by FuseSession once fuse_destroy has returned.
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttributes(byte* path, NativeStat* stat, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            int result = session.FileSystem.GetAttributes(PathOf(path), HandleOf(info), out var node);
            if (result == 0) FillStat(session, stat, node);
            return result;
        }
        catch (Exception e)
        {
            return Failed(session, "getattr", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadDirectory(byte* path, nint buffer, nint filler, long offset, FuseFileInfo* info,
        int flags)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            var entries = new List<PseudoDiskDirectoryEntry>();
            int result = session.FileSystem.ReadDirectory(PathOf(path), entries);
            if (result != 0) return result;
            var fill = (delegate* unmanaged[Cdecl]<nint, byte*, NativeStat*, long, int, int>)filler;
            // Offset 0 for every entry: the whole listing goes in one call, as libfuse allows.
            fixed (byte* dot = ".\0"u8)
            fixed (byte* dotDot = "..\0"u8)
            {
                fill(buffer, dot, null, 0, 0);
                fill(buffer, dotDot, null, 0, 0);
            }
            Span<byte> name = stackalloc byte[PseudoDiskNames.MaxNameBytes + 1];
            foreach (var entry in entries)
            {
                int length = System.Text.Encoding.UTF8.GetBytes(entry.Name, name);
                name[length] = 0;
                NativeStat stat;
                FillStat(session, &stat, entry.Node);
                fixed (byte* namePointer = name)
                {
                    if (fill(buffer, namePointer, &stat, 0, 0) != 0) break; // the buffer is full
                }
            }
            return 0;
        }
        catch (Exception e)
        {
            return Failed(session, "readdir", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(byte* path, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            var mode = (info->Flags & OAccessModeMask) switch
            {
                OWriteOnly => PseudoDiskOpenMode.Write,
                OReadWrite => PseudoDiskOpenMode.ReadWrite,
                _ => PseudoDiskOpenMode.Read,
            };
            if ((info->Flags & OTruncate) != 0) mode |= PseudoDiskOpenMode.Truncate;
            int result = session.FileSystem.Open(PathOf(path), mode, out var handle);
            if (result == 0) session.SetOpenFlags(info, handle);
            return result;
        }
        catch (Exception e)
        {
            return Failed(session, "open", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Create(byte* path, uint mode, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            int result = session.FileSystem.Create(PathOf(path), out var handle);
            if (result == 0) session.SetOpenFlags(info, handle);
            return result;
        }
        catch (Exception e)
        {
            return Failed(session, "create", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Read(PathOf(path), HandleOf(info), offset, new Span<byte>(buffer, checked((int)size)));
        }
        catch (Exception e)
        {
            return Failed(session, "read", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* data, nuint size, long offset, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Write(PathOf(path), HandleOf(info), offset,
                new ReadOnlySpan<byte>(data, checked((int)size)));
        }
        catch (Exception e)
        {
            return Failed(session, "write", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long length, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Truncate(PathOf(path), HandleOf(info), length);
        }
        catch (Exception e)
        {
            return Failed(session, "truncate", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Flush(byte* path, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Flush(PathOf(path), HandleOf(info));
        }
        catch (Exception e)
        {
            return Failed(session, "flush", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sync(byte* path, int dataOnly, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Sync(PathOf(path), HandleOf(info));
        }
        catch (Exception e)
        {
            return Failed(session, "fsync", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Release(byte* path, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Release(PathOf(path), HandleOf(info));
        }
        catch (Exception e)
        {
            return Failed(session, "release", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlink(byte* path)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.Unlink(PathOf(path));
        }
        catch (Exception e)
        {
            return Failed(session, "unlink", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int MakeDirectory(byte* path, uint mode)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.CreateDirectory(PathOf(path));
        }
        catch (Exception e)
        {
            return Failed(session, "mkdir", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RemoveDirectory(byte* path)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            return session.FileSystem.RemoveDirectory(PathOf(path));
        }
        catch (Exception e)
        {
            return Failed(session, "rmdir", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SetTimes(byte* path, NativeTimespec* times, FuseFileInfo* info)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            var now = DateTimeOffset.UtcNow;
            var lastAccess = times is null ? now : TimeOf(times[0], now);
            var lastWrite = times is null ? now : TimeOf(times[1], now);
            return session.FileSystem.SetTimes(PathOf(path), HandleOf(info), lastAccess, lastWrite);
        }
        catch (Exception e)
        {
            return Failed(session, "utimens", path, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int StatFileSystem(byte* path, NativeStatVfs* stat)
    {
        FuseSession? session = null;
        try
        {
            session = FuseSession.Current();
            int result = session.FileSystem.GetVolumeInfo(out var volume);
            if (result != 0) return result;
            *stat = default;
            var blockSize = (ulong)volume.BlockSize;
            stat->BlockSize = blockSize;
            stat->FragmentSize = blockSize;
            stat->Blocks = ((ulong)volume.TotalBytes + (ulong)volume.FreeBytes) / blockSize;
            stat->FreeBlocks = (ulong)volume.FreeBytes / blockSize;
            stat->AvailableBlocks = stat->FreeBlocks;
            stat->MaxNameLength = (ulong)volume.MaxNameLength;
            return 0;
        }
        catch (Exception e)
        {
            return Failed(session, "statfs", path, e);
        }
    }

    private static ReadOnlySpan<byte> PathOf(byte* path) =>
        path is null ? default : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path);

    private static ulong HandleOf(FuseFileInfo* info) => info is null ? 0 : info->FileHandle;

    private static DateTimeOffset? TimeOf(NativeTimespec time, DateTimeOffset now) => time.Nanoseconds switch
    {
        NativeTimespec.UtimeOmit => null,
        NativeTimespec.UtimeNow => now,
        _ => DateTimeOffset.FromUnixTimeSeconds(time.Seconds).AddTicks(time.Nanoseconds / 100),
    };

    private static void FillStat(FuseSession session, NativeStat* stat, PseudoDiskNode node)
    {
        *stat = default;
        stat->Mode = node.IsDirectory ? DirectoryMode : FileMode;
        stat->LinkCount = node.IsDirectory ? 2UL : 1UL;
        stat->Uid = session.OwnerUid;
        stat->Gid = session.OwnerGid;
        stat->Size = node.Length;
        stat->BlockSize = LibFuse.MaxWrite;
        // A disk reports all its blocks: it is a fixed-size disk, and tools then copy it whole.
        stat->Blocks = (node.Length + 511) / 512;
        long seconds = node.LastWriteTime.ToUnixTimeSeconds();
        long nanoseconds = (node.LastWriteTime.UtcTicks % TimeSpan.TicksPerSecond) * 100;
        stat->AccessSeconds = stat->ModifySeconds = stat->ChangeSeconds = seconds;
        stat->AccessNanoseconds = stat->ModifyNanoseconds = stat->ChangeNanoseconds = nanoseconds;
    }

    private static int Failed(FuseSession? session, string operation, byte* path, Exception exception)
    {
        session?.LogFailure(operation, path is null ? null : Marshal.PtrToStringUTF8((nint)path), exception);
        return -Errno.EIO;
    }
}
