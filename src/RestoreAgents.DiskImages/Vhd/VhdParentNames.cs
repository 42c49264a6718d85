using System.Text;

namespace RestoreAgents.DiskImages.Vhd;

/// <summary>
/// The names a differencing VHD gives for its parent, best first: the relative and absolute Windows paths of its
/// locators, a Mac file URL, then the parent name of its header (see <see cref="WindowsPath"/>).
/// </summary>
internal static class VhdParentNames
{
    private const int MaxLocatorBytes = 64 * 1024;

    public static async Task<IReadOnlyList<string>> ReadAsync(ImageFile file, VhdDynamicHeader header,
        CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var code in (string[])["W2ru", "W2ku", "MacX"])
            foreach (var locator in header.ParentLocators.Where(l => l.PlatformCode == code))
            {
                if (locator.DataLength is <= 0 or > MaxLocatorBytes)
                    throw file.Corrupt(locator.EntryOffset, $"its parent locator '{code}' claims {locator.DataLength} "
                        + $"bytes of path; a path has 1 to {MaxLocatorBytes}");
                var bytes = new byte[locator.DataLength];
                await file.ReadAsync(locator.DataOffset, bytes, $"the parent locator '{code}'", cancellationToken)
                    .ConfigureAwait(false);
                names.Add(code == "MacX" ? FromFileUrl(Encoding.UTF8.GetString(bytes))
                    : WindowsPath.ToLocalName(VhdDynamicHeader.UntilNul(Encoding.Unicode.GetString(bytes))));
            }
        if (header.ParentName.Length > 0) names.Add(WindowsPath.ToLocalName(header.ParentName));
        return names.Where(name => name.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static string FromFileUrl(string url) =>
        Uri.TryCreate(VhdDynamicHeader.UntilNul(url), UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : "";
}
