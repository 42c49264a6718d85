using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.DiskImages.Vhdx;

/// <summary>
/// A differencing VHDX's parent locator (MS-VHDX 2.6.2.6): UTF-16 key-value pairs naming the parent's data write
/// GUID (parent_linkage, parent_linkage2) and its paths (relative_path, absolute_win32_path, volume_path).
/// </summary>
internal sealed record VhdxParentLocator(IReadOnlyList<Guid> Linkages, IReadOnlyList<string> Names)
{
    private static readonly Guid VhdxLocatorType = new("B04AEFB7-D19E-4A81-B789-25B8E9445913");

    public static VhdxParentLocator Parse(ImageFile file, long offset, byte[] item)
    {
        if (item.Length < 20 || new Guid(item.AsSpan(0, 16)) != VhdxLocatorType)
            throw file.Unsupported(offset, "its parent locator is not of the VHDX type");
        var count = BinaryPrimitives.ReadUInt16LittleEndian(item.AsSpan(18));
        if (20 + count * 12 > item.Length)
            throw file.Corrupt(offset, $"its parent locator claims {count} entries but holds {item.Length} bytes");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var entry = item.AsSpan(20 + i * 12, 12);
            var key = Text(file, offset, item, BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]));
            values[key] = Text(file, offset, item, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[10..]));
        }
        var linkages = new[] { "parent_linkage", "parent_linkage2" }
            .Select(key => values.TryGetValue(key, out var text) && Guid.TryParse(text, out var guid) ? guid : (Guid?)null)
            .OfType<Guid>().ToList();
        if (linkages.Count == 0) throw file.Corrupt(offset, "its parent locator has no parent_linkage GUID");
        var names = new[] { "relative_path", "absolute_win32_path", "volume_path" }
            .Where(values.ContainsKey).Select(key => WindowsPath.ToLocalName(values[key])).ToList();
        return new VhdxParentLocator(linkages, names);
    }

    private static string Text(ImageFile file, long offset, byte[] item, uint at, ushort length) =>
        at + (long)length <= item.Length
            ? Encoding.Unicode.GetString(item, (int)at, length)
            : throw file.Corrupt(offset + at, $"its parent locator has a string of {length} bytes past its end");
}
