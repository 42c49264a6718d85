using System.Text;
using System.Text.RegularExpressions;

namespace RestoreAgents.DiskImages.Vmdk;

/// <summary>One extent line of a VMDK descriptor: access, size in sectors, type, file and offset in sectors.</summary>
internal sealed record VmdkExtent(string Access, long Sectors, string Type, string FileName, long Offset, long LineOffset);

/// <summary>
/// A VMDK text descriptor (its own file, or embedded in a sparse extent): the disk's create type, its parent if it
/// is a delta, and its extents in order.
/// </summary>
internal sealed partial record VmdkDescriptor(
    string? CreateType,
    string? ParentCid,
    string? ParentFileNameHint,
    long ParentOffset,
    IReadOnlyList<VmdkExtent> Extents)
{
    private const string NoParent = "ffffffff";

    public static ReadOnlySpan<byte> Signature => "# Disk DescriptorFile"u8;

    public static VmdkDescriptor Parse(ImageFile file, long offset, string text)
    {
        var values = new Dictionary<string, (string Value, long Offset)>(StringComparer.OrdinalIgnoreCase);
        var extents = new List<VmdkExtent>();
        long lineOffset = offset;
        foreach (var rawLine in VmdkDescriptorSafe(text).Split('\n'))
        {
            var line = rawLine.Trim();
            var at = lineOffset;
            lineOffset += Encoding.UTF8.GetByteCount(rawLine) + 1;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (ExtentLine().Match(line) is { Success: true } extent)
            {
                if (extents.Count >= DiskImageLimits.MaxExtents)
                    throw file.Unsupported(at, $"its descriptor lists over {DiskImageLimits.MaxExtents} extents "
                        + "(DiskImageLimits.MaxExtents)");
                extents.Add(new VmdkExtent(extent.Groups[1].Value.ToUpperInvariant(),
                    long.Parse(extent.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                    extent.Groups[3].Value.ToUpperInvariant(), extent.Groups[4].Value,
                    extent.Groups[5].Success ? long.Parse(extent.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                    at));
            }
            else if (line.IndexOf('=') is var equals and > 0)
            {
                values[line[..equals].Trim()] = (line[(equals + 1)..].Trim().Trim('"'), at);
            }
            else if (line.StartsWith("RW", StringComparison.OrdinalIgnoreCase)
                     || line.StartsWith("RDONLY", StringComparison.OrdinalIgnoreCase)
                     || line.StartsWith("NOACCESS", StringComparison.OrdinalIgnoreCase))
            {
                throw file.Corrupt(at, $"its descriptor has an extent line it cannot read: '{line}'");
            }
        }
        values.TryGetValue("parentCID", out var parent);
        return new VmdkDescriptor(
            values.TryGetValue("createType", out var createType) ? createType.Value : null,
            parent.Value,
            values.TryGetValue("parentFileNameHint", out var hint) ? hint.Value : null,
            parent.Offset,
            extents);
    }

    /// <summary>Refuses a delta (snapshot) disk: its parent chain is not read.</summary>
    public void RefuseParent(ImageFile file)
    {
        if (ParentCid is not null && !string.Equals(ParentCid, NoParent, StringComparison.OrdinalIgnoreCase))
            throw file.Unsupported(ParentOffset, $"it is a VMDK delta disk of parent '{ParentFileNameHint}'; consolidate "
                + "its snapshots first, or convert it: qemu-img convert -O raw");
    }

    // An embedded descriptor is padded with NULs to its sectors.
    private static string VmdkDescriptorSafe(string text) => text.IndexOf('\0') is var nul and >= 0 ? text[..nul] : text;

    [GeneratedRegex("""\A(RW|RDONLY|NOACCESS)\s+(\d{1,18})\s+([A-Za-z]+)(?:\s+"([^"]*)"(?:\s+(\d{1,18}))?)?\s*\z""",
        RegexOptions.IgnoreCase)]
    private static partial Regex ExtentLine();
}
