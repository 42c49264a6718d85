namespace RestoreAgents.Testing;

/// <summary>Finds the repository a test runs from, so fixtures can start the parts it pins (node_modules).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RestoreAgents.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"Cannot find RestoreAgents.sln above {AppContext.BaseDirectory}: tests must run from the repository.");
    }
}
