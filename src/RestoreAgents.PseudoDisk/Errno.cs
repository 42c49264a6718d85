namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The POSIX error numbers (Linux values) that <see cref="IPseudoDiskFileSystem"/> operations return, negated:
/// an operation answers 0 (or a byte count) on success and <c>-Errno.X</c> on failure, as FUSE expects.
/// A Dokan host maps them to NTSTATUS (see DOKAN.md).
/// </summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int ECONNABORTED = 103;
    public const int ECANCELED = 125;
    public const int ENOTCONN = 107;
}
