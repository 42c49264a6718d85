namespace RestoreAgents.Caching;

/// <summary>A page size that Azure's Put Page cannot write in one call.</summary>
public sealed class InvalidPageSizeException : ArgumentException
{
    public InvalidPageSizeException(long pageSize)
        : base($"page size {pageSize} is not a multiple of {PageCacheOptions.SectorSize} between "
            + $"{PageCacheOptions.SectorSize} and {PageCacheOptions.MaxPageSize} (4 MiB, the largest Azure Put Page)")
    {
        PageSize = pageSize;
    }

    public long PageSize { get; }
}
