namespace RestoreAgents.PseudoDisk;

/// <summary>A folder or file name for the pseudo-disk breaks <see cref="PseudoDiskNames"/>' rule.</summary>
public sealed class InvalidDiskNameException : ArgumentException
{
    public InvalidDiskNameException(string name, string what, string reason)
        : base($"{what} name '{Printable(name)}' {reason}")
    {
        Name = name;
    }

    public string Name { get; }

    private static string Printable(string name) => name.Replace("\0", "\\0", StringComparison.Ordinal);
}
