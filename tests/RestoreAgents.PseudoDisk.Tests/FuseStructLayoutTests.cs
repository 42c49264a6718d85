using System.Runtime.InteropServices;
using RestoreAgents.PseudoDisk.Interop;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>
/// The managed mirrors of the C structs libfuse3 and glibc exchange with us, pinned to the sizes and offsets of
/// libfuse3 3.14 on x86_64 Linux. The numbers come from sizeof and offsetof in a C program built with gcc against
/// /usr/include/fuse3 (Debian's libfuse3-dev 3.14.0, FUSE_USE_VERSION 314); a mirror that drifts from them would
/// have libfuse read and write the wrong bytes.
/// </summary>
public sealed unsafe class FuseStructLayoutTests
{
    [Fact]
    public void Mirrors_HaveTheSizesOfTheCStructs()
    {
        Assert.Equal(336, sizeof(FuseOperations)); // struct fuse_operations: 42 function pointers
        Assert.Equal(144, sizeof(NativeStat)); // struct stat (glibc, x86_64)
        Assert.Equal(112, sizeof(NativeStatVfs)); // struct statvfs (glibc, x86_64)
        Assert.Equal(40, sizeof(FuseFileInfo)); // struct fuse_file_info
        Assert.Equal(40, sizeof(FuseContext)); // struct fuse_context
        Assert.Equal(128, sizeof(FuseConnectionInfo)); // struct fuse_conn_info
        Assert.Equal(128, sizeof(FuseConfig)); // struct fuse_config
        Assert.Equal(24, sizeof(FuseArgs)); // struct fuse_args
        Assert.Equal(16, sizeof(NativeTimespec)); // struct timespec
    }

    [Fact]
    public void Mirrors_PutTheFieldsWeUseAtTheOffsetsOfTheCStructs()
    {
        FuseOperations operations = default;
        Assert.Equal(216, Offset(&operations, &operations.Init)); // offsetof(struct fuse_operations, init)
        Assert.Equal(224, Offset(&operations, &operations.Destroy));
        Assert.Equal(256, Offset(&operations, &operations.SetTimes)); // utimens

        FuseFileInfo file = default;
        Assert.Equal(16, Offset(&file, &file.FileHandle)); // fh, after flags and the bit fields
        Assert.Equal(24, Offset(&file, &file.LockOwner));
        Assert.Equal(32, Offset(&file, &file.PollEvents));

        NativeStat stat = default;
        Assert.Equal(48, Offset(&stat, &stat.Size)); // st_size
        Assert.Equal(88, Offset(&stat, &stat.ModifySeconds)); // st_mtim

        NativeStatVfs statVfs = default;
        Assert.Equal(80, Offset(&statVfs, &statVfs.MaxNameLength)); // f_namemax

        FuseConnectionInfo connection = default;
        Assert.Equal(36, Offset(&connection, &connection.TimeGranularity)); // time_gran

        FuseConfig config = default;
        Assert.Equal(96, Offset(&config, &config.AcAttributeTimeout)); // ac_attr_timeout
        Assert.Equal(112, Offset(&config, &config.Modules));
        Assert.Equal(120, Offset(&config, &config.Debug));

        FuseContext context = default;
        Assert.Equal(32, Offset(&context, &context.Umask));
    }

    [Fact]
    public void ThisHost_IsTheArchitectureTheLayoutWasCheckedOn()
    {
        // The sizes above hold on x86_64 Linux; elsewhere the mount is refused (FusePrerequisitesTests).
        Assert.Equal(FuseLayout.CheckedArchitecture, RuntimeInformation.ProcessArchitecture);
        Assert.True(OperatingSystem.IsLinux());
    }

    private static long Offset(void* start, void* field) => (byte*)field - (byte*)start;
}
