namespace RestoreAgents.Caching;

/// <summary>A page size that Azure's Put Page cannot write in one call.</summary>
public sealed class InvalidPageSizeException : ArgumentException
{
    public InvalidPageSizeException(long pageSize)
        : base($"page size {pageSize} is not {PageBlobRules.PageSizeRule}")
    {
        PageSize = pageSize;
    }

    public long PageSize { get; }
}
