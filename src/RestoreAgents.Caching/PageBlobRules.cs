namespace RestoreAgents.Caching;

/// <summary>
/// Azure page blobs' rules, in one place: whole 512-byte pages, at most 4 MiB per Put Page, at most 8 TiB per
/// blob, and a virtual size of whole MiB for a VHD that Azure attaches as a VM disk. The checks run before any
/// request (Azurite takes writes that Azure refuses) and say which rule a value breaks, and where.
/// </summary>
public static class PageBlobRules
{
    /// <summary>Page blobs are written, cleared and sized in whole pages of this many bytes.</summary>
    public const int SectorSize = 512;

    /// <summary>The most bytes one Put Page call takes: 4 MiB.</summary>
    public const int MaxPutPageBytes = 4 * 1024 * 1024;

    /// <summary>The largest page blob Azure Storage holds: 8 TiB.</summary>
    public const long MaxBlobBytes = 8L * 1024 * 1024 * 1024 * 1024;

    /// <summary>Azure attaches a fixed VHD only if its virtual size is a whole number of MiB.</summary>
    public const int VhdAlignment = 1024 * 1024;

    /// <summary>The page-size rule in words, as messages and --help say it.</summary>
    public const string PageSizeRule = "a multiple of 512 between 512 and 4194304 (4 MiB, the largest Azure Put Page)";

    public static bool IsWholeSectors(long bytes) => bytes % SectorSize == 0;

    /// <summary>True when one Put Page can write a page of this size: a multiple of 512, from 512 to 4 MiB.</summary>
    public static bool IsValidPageSize(long pageSize) =>
        pageSize is >= SectorSize and <= MaxPutPageBytes && IsWholeSectors(pageSize);

    /// <summary>Throws <see cref="InvalidPageSizeException"/> unless <see cref="IsValidPageSize"/>.</summary>
    public static void ValidatePageSize(long pageSize)
    {
        if (!IsValidPageSize(pageSize))
            throw new InvalidPageSizeException(pageSize);
    }

    /// <summary>Throws unless a page blob of <paramref name="size"/> bytes can be created: whole pages, up to 8 TiB.</summary>
    /// <param name="blob">Names the blob in the message.</param>
    public static void ValidateBlobSize(long size, string blob)
    {
        if (size <= 0 || !IsWholeSectors(size) || size > MaxBlobBytes)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"size {size} of page blob '{blob}' is not a positive multiple of {SectorSize} bytes of at most "
                + $"{MaxBlobBytes} (8 TiB)");
    }

    /// <summary>Throws unless one Put Page can write <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    /// <param name="blobSize">The blob's size: the write must fit inside it.</param>
    /// <param name="blob">Names the blob in the message, e.g. its URL without the query.</param>
    public static void ValidatePutPage(long offset, long length, long blobSize, string blob)
    {
        if (length > MaxPutPageBytes)
            throw new ArgumentException(
                $"write of {length} bytes at offset {offset} to {blob} is larger than {MaxPutPageBytes} bytes "
                + "(4 MiB, the largest Azure Put Page)", "data");
        ValidatePages("write", offset, length, blobSize, blob);
    }

    /// <summary>Throws unless offset and length are whole pages, the length positive, and the range inside the blob.</summary>
    /// <param name="what">The operation, to begin the message: "write", "clear".</param>
    public static void ValidatePages(string what, long offset, long length, long blobSize, string blob)
    {
        if (!IsWholeSectors(offset) || !IsWholeSectors(length) || length <= 0)
            throw new ArgumentException(
                $"{what} of {length} bytes at offset {offset} to {blob} is not whole pages: the offset and the "
                + $"length must be multiples of {SectorSize} and the length more than 0",
                IsWholeSectors(offset) ? nameof(length) : nameof(offset));
        ValidateRange(what, offset, length, blobSize, blob);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the range lies inside the blob.</summary>
    public static void ValidateRange(string what, long offset, long length, long blobSize, string blob)
    {
        if (offset < 0 || length < 0 || offset > blobSize - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"{what} of {length} bytes at offset {offset} is outside {blob} of {blobSize} bytes");
    }

    /// <summary>The size padded up to a whole MiB, as a disk must be before its VHD footer (see <see cref="VhdAlignment"/>).</summary>
    public static long RoundUpToVhdAlignment(long size) => (size + VhdAlignment - 1) / VhdAlignment * VhdAlignment;
}
