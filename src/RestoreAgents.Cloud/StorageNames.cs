using System.Text.RegularExpressions;

namespace RestoreAgents.Cloud;

/// <summary>
/// The one check of container and blob names, from requests and from restorectl alike, made before any request is
/// sent: Azure's naming rules, and what a URL would silently rewrite (a <c>..</c> segment resolves away, a
/// backslash becomes a slash), so that a name can never address a path outside its account and container.
/// </summary>
public static partial class StorageNames
{
    public const int MaxBlobNameLength = 1024;
    public const int MaxBlobPathSegments = 254;

    private const string ContainerRule = "a container name is 3 to 63 lowercase letters, digits and single hyphens, "
        + "starting and ending with a letter or digit";

    /// <summary>Throws an <see cref="ArgumentException"/> saying why, unless the name is a valid container name.</summary>
    public static void ValidateContainerName(string? name)
    {
        if (ContainerNameProblem(name) is { } problem)
            throw new ArgumentException($"Invalid container '{Printable(name)}': {problem}.");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> saying why, unless Azure can keep a blob of this name.</summary>
    public static void ValidateBlobName(string? name)
    {
        if (BlobNameProblem(name) is { } problem)
            throw new ArgumentException($"Invalid page blob '{Printable(name)}': {problem}.");
    }

    /// <summary>Null when the name is a valid container name, else why it is not.</summary>
    public static string? ContainerNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return $"the container name is empty ({ContainerRule})";
        if (name.Length is >= 3 and <= 63 && ContainerName().IsMatch(name))
            return null;
        if (name.Length is < 3 or > 63)
            return $"container name '{Printable(name)}' has {name.Length} characters ({ContainerRule})";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) continue;
            if (c == '-' && i > 0 && i < name.Length - 1 && name[i - 1] != '-') continue;
            return $"container name '{Printable(name)}' is not valid at character {i + 1} "
                + $"('{Printable(c.ToString())}'): {ContainerRule}";
        }
        return $"container name '{Printable(name)}' is not valid: {ContainerRule}";
    }

    /// <summary>Null when the name is a usable blob name, else why it is not.</summary>
    public static string? BlobNameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "the blob name is empty";
        var shown = Printable(name.Length > 60 ? name[..60] + "..." : name);
        if (name.Length > MaxBlobNameLength)
            return $"blob name '{shown}' has {name.Length} characters, more than {MaxBlobNameLength}";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsControl(c))
                return $"blob name '{shown}' contains the control character U+{(int)c:X4}";
            if (c == '\\')
                return $"blob name '{shown}' contains a backslash, which a URL turns into '/'";
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                return $"blob name '{shown}' contains U+{(int)c:X4}, which is not a Unicode character";
        }
        // Azure drops a trailing dot or slash from the URL path, so such a blob could never be addressed again.
        if (name.EndsWith('.') || name.EndsWith('/'))
            return $"blob name '{shown}' ends with '{name[^1]}', which Azure Storage does not keep";
        var segments = name.Split('/');
        if (segments.Length > MaxBlobPathSegments)
            return $"blob name '{shown}' has more than {MaxBlobPathSegments} path segments";
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
                return $"blob name '{shown}' has an empty path segment (a leading '/' or '//')";
            // A URL resolves "." and ".." away (also as %2e): the request would address another path.
            if (DotSegment().IsMatch(segment))
                return $"blob name '{shown}' has the path segment '{segment}', which a URL resolves away";
        }
        return null;
    }

    /// <summary>The name with control characters shown as '?', so a message or log line stays one honest line.</summary>
    public static string Printable(string? name) =>
        name is null
            ? ""
            : string.Create(name.Length, name, (span, source) =>
            {
                for (int i = 0; i < source.Length; i++)
                    span[i] = char.IsControl(source[i]) ? '?' : source[i];
            });

    [GeneratedRegex(@"\A[a-z0-9](?:-?[a-z0-9])*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();

    [GeneratedRegex(@"\A(?:\.|%2e){1,2}\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DotSegment();
}
