namespace RestoreAgents.DiskImages;

/// <summary>
/// The files opened so far to read one image, top first. Resolves the names an image gives for its parent, backing
/// file or extents (relative to the image's folder), and refuses a device, a loop or a chain that is too long.
/// </summary>
internal sealed class ImageChain
{
    private readonly IReadOnlyList<string> _paths;

    private ImageChain(IReadOnlyList<string> paths) => _paths = paths;

    public static ImageChain Start(string path) => new([Canonical(path)]);

    /// <summary>Opens the file an image names at <paramref name="offset"/>: the first of <paramref name="names"/>
    /// that exists, as its content says (or as <paramref name="format"/> says, when the image names one).</summary>
    public async Task<DiskImage> OpenReferencedAsync(ImageFile referrer, long offset, string what,
        IReadOnlyList<string> names, string? format, CancellationToken cancellationToken)
    {
        var (path, chain) = Resolve(referrer, offset, what, names);
        return await DiskImageReader.OpenAsync(path, chain, format, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the parent of a differencing image and checks it is the disk the child was made from:
    /// <paramref name="mismatch"/> says why not, or null when it is.</summary>
    public async Task<DiskImage> OpenParentAsync(ImageFile child, long offset, IReadOnlyList<string> names,
        Func<DiskImage, string?> mismatch, CancellationToken cancellationToken)
    {
        var parent = await OpenReferencedAsync(child, offset, "parent", names, null, cancellationToken).ConfigureAwait(false);
        if (mismatch(parent) is not { } problem) return parent;
        parent.Dispose();
        throw child.Corrupt(offset, $"its parent '{parent.Path}' {problem}");
    }

    /// <summary>Finds the file an image names, refusing a missing file, a device, a loop and a chain too long;
    /// returns its path and the chain to open it in.</summary>
    public (string Path, ImageChain Chain) Resolve(ImageFile referrer, long offset, string what,
        IReadOnlyList<string> names)
    {
        var path = Locate(referrer, offset, what, names);
        if (FileKind.DescribeIfNotRegular(path) is { } kind)
            throw referrer.Unsupported(offset, $"its {what} '{path}' is {kind}; a {what} must be a regular file");
        var canonical = Canonical(path);
        if (_paths.Contains(canonical, StringComparer.Ordinal))
            throw referrer.Corrupt(offset,
                $"its {what} '{path}' is already in its chain ({string.Join(" -> ", _paths)} -> {canonical}): a loop");
        if (_paths.Count >= DiskImageLimits.MaxChainLength)
            throw referrer.Unsupported(offset, $"its chain of parents and backing files is longer than "
                + $"{DiskImageLimits.MaxChainLength} images (DiskImageLimits.MaxChainLength)");
        return (path, new ImageChain([.. _paths, canonical]));
    }

    private static string Locate(ImageFile referrer, long offset, string what, IReadOnlyList<string> names)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(referrer.Path))!;
        var tried = new List<string>();
        foreach (var name in names)
        {
            if (name.Length == 0 || name.Contains('\0')) continue;
            var path = System.IO.Path.GetFullPath(name, folder);
            if (File.Exists(path) || Directory.Exists(path)) return path;
            if (!tried.Contains(path)) tried.Add(path);
        }
        if (tried.Count == 0) throw referrer.Corrupt(offset, $"it names no usable {what}");
        throw referrer.Corrupt(offset, $"its {what} '{names[0]}' does not exist (looked for {string.Join(", ", tried)})");
    }

    private static string Canonical(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a dangling or looping link: opening it reports that
        }
    }
}
