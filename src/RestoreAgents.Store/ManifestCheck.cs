using System.Buffers;

namespace RestoreAgents.Store;

/// <summary>
/// The checks a manifest passes before the store uses it: every field inside what <see cref="BackupWriter"/>
/// writes, so sizes and offsets computed from it cannot overflow, and reads stay inside the disk.
/// </summary>
internal static class ManifestCheck
{
    private static readonly SearchValues<char> LowercaseHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Throws <see cref="DamagedManifestException"/> naming the first field that is wrong.</summary>
    public static void Validate(CopyManifest manifest, string copyName)
    {
        if (Problem(manifest, copyName) is var (field, reason))
            throw new DamagedManifestException(copyName, field, reason);
    }

    private static (string Field, string Reason)? Problem(CopyManifest manifest, string copyName)
    {
        if (!string.Equals(manifest.Name, copyName, StringComparison.Ordinal))
            return ("name", $"{Shown(manifest.Name)} is not the copy's name");
        if (manifest.DiskSize is <= 0 or > CopyLimits.MaxDiskSize)
            return ("diskSize", $"{manifest.DiskSize} is not between 1 and {CopyLimits.MaxDiskSize}");
        if (CopyLimits.BlockSizeProblem(manifest.BlockSize) is { } blockSize)
            return ("blockSize", $"is wrong: {blockSize}");
        if (!IsSha256(manifest.DiskSha256))
            return ("diskSha256", $"{Shown(manifest.DiskSha256)} is not a SHA-256 in lowercase hex");
        if (manifest.SourceFormat is null || manifest.SourceFormat.Length > CopyLimits.MaxSourceFormatLength
            || manifest.SourceFormat.Any(char.IsControl))
            return ("sourceFormat", $"{Shown(manifest.SourceFormat)} is not a format name");
        if (manifest.Blocks is null)
            return ("blocks", "is missing");

        long blockCount = (manifest.DiskSize + manifest.BlockSize - 1) / manifest.BlockSize;
        long previous = -1;
        for (int i = 0; i < manifest.Blocks.Count; i++)
        {
            if (manifest.Blocks[i] is not { } block)
                return ($"blocks[{i}]", "is null");
            if (block.Index <= previous || block.Index >= blockCount)
                return ($"blocks[{i}].index", block.Index >= blockCount
                    ? $"{block.Index} is beyond the disk's last block {blockCount - 1}"
                    : $"{block.Index} does not come after the previous block's {previous}");
            if (!IsSha256(block.Sha256))
                return ($"blocks[{i}].sha256", $"{Shown(block.Sha256)} is not a SHA-256 in lowercase hex");
            previous = block.Index;
        }
        return null;
    }

    /// <summary>64 lowercase hex digits: the only chunk names the store writes (and no path can hide in one).</summary>
    public static bool IsSha256(string? value) =>
        value is { Length: 64 } && !value.AsSpan().ContainsAnyExcept(LowercaseHex);

    /// <summary>A value as an error quotes it: at most 70 characters, without control characters.</summary>
    private static string Shown(string? value)
    {
        if (value is null) return "null";
        var shown = value.Length > 70 ? value[..70] + "..." : value;
        return $"'{string.Create(shown.Length, shown, static (span, text) =>
        {
            for (int i = 0; i < text.Length; i++) span[i] = char.IsControl(text[i]) ? '?' : text[i];
        })}'";
    }
}
