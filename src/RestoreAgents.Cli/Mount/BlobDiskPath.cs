using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Cli.Mount;

/// <summary>
/// Where a blob shows in the mount: blob "vm.raw" is the file /vm.raw, blob "job/vm.raw" the file /job/vm.raw
/// (the pseudo-disk holds disks in its root and one folder level down). Other names have no file.
/// </summary>
internal readonly record struct BlobDiskPath(string Folder, string FileName)
{
    public string BlobName => Folder.Length == 0 ? FileName : $"{Folder}/{FileName}";

    /// <summary>The file of a blob, or null and why the mount cannot show it.</summary>
    public static BlobDiskPath? From(string blobName, out string? problem)
    {
        var parts = blobName.Split('/');
        problem = parts.Length > 2
            ? "the mount shows blobs as FILE or FOLDER/FILE, not deeper"
            : parts.Select(part => PseudoDiskNames.Check(part)).Any(result => result != 0)
                ? $"'{blobName}' is not a valid file name in the mount (each name 1 to {PseudoDiskNames.MaxNameBytes} "
                    + "bytes, not '.' or '..', without '\\' or NUL)"
                : null;
        if (problem is not null) return null;
        return parts.Length == 1 ? new BlobDiskPath("", parts[0]) : new BlobDiskPath(parts[0], parts[1]);
    }
}
