namespace RestoreAgents.Caching;

/// <summary>How a <see cref="PageCache"/> is shaped: its page size, its room on disk, and its upload parallelism.</summary>
public sealed class PageCacheOptions
{
    public const int DefaultPageSize = PageBlobRules.MaxPutPageBytes;

    public const long DefaultCapacityBytes = 256L * 1024 * 1024;

    public const int DefaultUploadParallelism = 8;

    /// <summary>Bytes of one cache slot and one upload: a multiple of 512 between 512 and 4 MiB.</summary>
    public int PageSize { get; set; } = DefaultPageSize;

    /// <summary>The most bytes the cache file may take; the cache has CapacityBytes / PageSize slots.</summary>
    public long CapacityBytes { get; set; } = DefaultCapacityBytes;

    /// <summary>The folder the cache file is created in (created when missing).</summary>
    public string Directory { get; set; } = "";

    /// <summary>How many pages are uploaded at once.</summary>
    public int UploadParallelism { get; set; } = DefaultUploadParallelism;

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first setting that cannot work.</summary>
    public void Validate()
    {
        PageBlobRules.ValidatePageSize(PageSize);
        if (CapacityBytes < PageSize)
            throw new ArgumentException(
                $"cache capacity {CapacityBytes} bytes is smaller than one page of {PageSize} bytes", nameof(CapacityBytes));
        if (UploadParallelism < 1)
            throw new ArgumentException(
                $"upload parallelism {UploadParallelism} is not at least 1", nameof(UploadParallelism));
        if (string.IsNullOrWhiteSpace(Directory))
            throw new ArgumentException("the cache directory is not set", nameof(Directory));
    }
}
