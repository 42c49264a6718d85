namespace RestoreAgents.Cloud;

/// <summary>Azure Storage's naming rules for containers and blobs, checked before any request is sent.</summary>
internal static class StorageNames
{
    public const int MaxBlobNameLength = 1024;
    public const int MaxBlobPathSegments = 254;

    /// <summary>Null when the name is a valid container name, else why it is not.</summary>
    public static string? ContainerNameProblem(string? name)
    {
        const string Rule = "a container name is 3 to 63 lowercase letters, digits and single hyphens, "
            + "starting and ending with a letter or digit";
        if (string.IsNullOrEmpty(name))
            return $"the container name is empty ({Rule})";
        if (name.Length is < 3 or > 63)
            return $"container name '{name}' has {name.Length} characters ({Rule})";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) continue;
            if (c == '-' && i > 0 && i < name.Length - 1 && name[i - 1] != '-') continue;
            return $"container name '{name}' is not valid at character {i + 1} ('{c}'): {Rule}";
        }
        return null;
    }

    /// <summary>Null when the name is a usable blob name, else why it is not.</summary>
    public static string? BlobNameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "the blob name is empty";
        if (name.Length > MaxBlobNameLength)
            return $"blob name '{name[..40]}...' has {name.Length} characters, more than {MaxBlobNameLength}";
        // Azure drops a trailing dot or slash from the URL path, so such a blob could never be addressed again.
        if (name.EndsWith('.') || name.EndsWith('/'))
            return $"blob name '{name}' ends with '{name[^1]}', which Azure Storage does not keep";
        foreach (char c in name)
        {
            if (char.IsControl(c))
                return $"blob name '{Printable(name)}' contains the control character U+{(int)c:X4}";
        }
        if (name.Count(c => c == '/') + 1 > MaxBlobPathSegments)
            return $"blob name '{name[..40]}...' has more than {MaxBlobPathSegments} path segments";
        return null;
    }

    private static string Printable(string name) =>
        string.Create(name.Length, name, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
}
