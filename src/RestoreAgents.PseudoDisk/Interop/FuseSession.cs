using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// One libfuse session: the struct fuse, the operations table in native memory, the GCHandle the callbacks find
/// this object by, and the dedicated thread that runs the multi-threaded loop. It is unmounted from outside
/// (fusermount3), which makes the kernel end the connection and so the loop.
/// </summary>
internal sealed unsafe class FuseSession
{
    private readonly string _mountPath;
    private readonly PseudoDiskMountOptions _options;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GCHandle _self;
    private FuseOperations* _operations;
    private nint _fuse;
    private bool _mounted;

    private FuseSession(string mountPath, IPseudoDiskFileSystem fileSystem, PseudoDiskMountOptions options,
        ILogger logger)
    {
        _mountPath = mountPath;
        FileSystem = fileSystem;
        _options = options;
        _logger = logger;
        OwnerUid = LibC.GetEffectiveUserId();
        OwnerGid = LibC.GetEffectiveGroupId();
    }

    public IPseudoDiskFileSystem FileSystem { get; }

    /// <summary>Files and folders belong to whoever mounted (root for the data agent).</summary>
    public uint OwnerUid { get; }

    public uint OwnerGid { get; }

    /// <summary>Completes with fuse_loop_mt's result when the loop has ended.</summary>
    public Task<int> LoopEnded => _loopEnded.Task;

    /// <summary>Creates the session, mounts it at <paramref name="mountPath"/> and starts serving.</summary>
    /// <exception cref="PseudoDiskMountException">libfuse refused the options or the mount.</exception>
    public static FuseSession Start(string mountPath, IPseudoDiskFileSystem fileSystem, PseudoDiskMountOptions options,
        ILogger logger)
    {
        var session = new FuseSession(mountPath, fileSystem, options, logger);
        try
        {
            session.Create();
            session.Mount();
            session.StartLoop();
            return session;
        }
        catch
        {
            session.ReleaseNative();
            throw;
        }
    }

    public static FuseSession From(nint privateData) => (FuseSession)GCHandle.FromIntPtr(privateData).Target!;

    public static FuseSession? TryFrom(nint privateData) =>
        privateData == 0 ? null : GCHandle.FromIntPtr(privateData).Target as FuseSession;

    /// <summary>The session of the FUSE request this thread is serving.</summary>
    public static FuseSession Current() => From(LibFuse.GetContext()->PrivateData);

    /// <summary>The init callback: ask for big writes and set the kernel's caching of names and attributes.</summary>
    public void Configure(FuseConnectionInfo* connection, FuseConfig* config)
    {
        // libfuse 3.14 allocates request buffers of 1 MiB + header and derives max_pages from max_write, so the
        // kernel sends writes of up to 1 MiB; more than its buffer would overflow it. (-o max_write= is no
        // libfuse3 option: it would fail the mount.)
        connection->MaxWrite = Math.Min(connection->MaxWrite, LibFuse.MaxWrite);
        // Ask only for what the kernel offers: libfuse 3.14 aborts the session when want exceeds capable.
        connection->Want |= connection->Capable & LibFuse.CapAtomicOTrunc;
        if (_options.DirectIo) connection->Want |= connection->Capable & LibFuse.CapAsyncDio;
        connection->Want &= ~LibFuse.CapWritebackCache;

        double timeout = _options.AttributeTimeout.TotalSeconds;
        config->EntryTimeout = timeout;
        config->AttributeTimeout = timeout;
        config->NegativeTimeout = 0; // a disk added a moment after a failed lookup shows at once
        config->HardRemove = 1; // unlink is passed on, never turned into a rename to .fuse_hidden
        // Paths for every call: readdir needs its path (there is no opendir handle), and building one is cheap.
        config->NullPathOk = 0;
        config->UseIno = 0;
        config->DirectIo = 0; // set per open file (SetOpenFlags)
        config->KernelCache = 0;
    }

    public void SetOpenFlags(FuseFileInfo* info, ulong handle)
    {
        info->FileHandle = handle;
        if (_options.DirectIo) info->Bits |= FuseFileInfo.DirectIoBit;
    }

    public void LogFailure(string operation, string? path, Exception exception) =>
        PseudoDiskLog.OperationFailed(_logger, operation, path ?? "(by handle)", exception);

    /// <summary>Frees the native session once the loop has ended; after a loop that never ended, leaves it.</summary>
    public void ReleaseNative()
    {
        if (_mounted && !LoopEnded.IsCompleted)
        {
            PseudoDiskLog.LoopDidNotStop(_logger, _mountPath);
            return;
        }
        if (_fuse != 0)
        {
            // The kernel already ended the connection, so this only closes /dev/fuse (it finds POLLERR on it).
            if (_mounted) LibFuse.Unmount(_fuse);
            LibFuse.Destroy(_fuse);
            _fuse = 0;
        }
        if (_operations is not null)
        {
            NativeMemory.Free(_operations);
            _operations = null;
        }
        if (_self.IsAllocated) _self.Free();
    }

    private void Create()
    {
        _self = GCHandle.Alloc(this);
        _operations = (FuseOperations*)NativeMemory.AllocZeroed((nuint)sizeof(FuseOperations));
        FuseCallbacks.Fill(_operations);

        // fsname/subtype make the mount show as "restoreagents" of type fuse.restoreagents in mountinfo. Without
        // allow_other the kernel lets no other user in at all; with it, default_permissions makes the kernel enforce
        // the 0700/0600 modes the file system reports (else it would not check them).
        var mountOptions = "fsname=restoreagents,subtype=restoreagents"
            + (_options.AllowOther ? ",allow_other,default_permissions" : "");
        string[] arguments = ["restoreagents", "-o", mountOptions];
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)(arguments.Length + 1), (nuint)sizeof(byte*));
        try
        {
            for (int i = 0; i < arguments.Length; i++) argv[i] = (byte*)Marshal.StringToCoTaskMemUTF8(arguments[i]);
            var args = new FuseArgs { Argc = arguments.Length, Argv = argv, Allocated = 0 };
            _fuse = LibFuse.New(&args, _operations, (nuint)sizeof(FuseOperations), GCHandle.ToIntPtr(_self));
            // fuse_new leaves the arguments it did not consume in a copy of its own; free that copy.
            LibFuse.FreeArgs(&args);
        }
        finally
        {
            for (int i = 0; i < arguments.Length; i++) Marshal.FreeCoTaskMem((nint)argv[i]);
            NativeMemory.Free(argv);
        }
        if (_fuse == 0)
            throw new PseudoDiskMountException(_mountPath,
                $"fuse_new refused the options '{string.Join(' ', arguments)}' (libfuse printed why on standard error)");
    }

    private void Mount()
    {
        var path = Encoding.UTF8.GetBytes(_mountPath + "\0");
        int result;
        fixed (byte* pointer = path) result = LibFuse.Mount(_fuse, pointer);
        if (result != 0)
            throw new PseudoDiskMountException(_mountPath,
                "fuse_mount failed (libfuse printed why on standard error): is the folder usable, and may this "
                + "user mount (root, or fusermount3 with user_allow_other)?");
        _mounted = true;
    }

    private void StartLoop()
    {
        var thread = new Thread(RunLoop)
        {
            IsBackground = true,
            Name = "fuse " + Path.GetFileName(_mountPath),
        };
        thread.Start();
    }

    private void RunLoop()
    {
        int result = -1;
        try
        {
            var config = LibFuse.LoopConfigCreate();
            try
            {
                LibFuse.LoopConfigSetMaxThreads(config, (uint)_options.MaxThreads);
                // Blocks until the kernel ends the connection (unmount) and the workers have stopped.
                result = LibFuse.LoopMultiThreaded(_fuse, config);
            }
            finally
            {
                LibFuse.LoopConfigDestroy(config);
            }
            if (result != 0) PseudoDiskLog.LoopFailed(_logger, _mountPath, result);
        }
        finally
        {
            _loopEnded.TrySetResult(result);
        }
    }
}
