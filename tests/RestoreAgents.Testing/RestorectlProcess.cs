namespace RestoreAgents.Testing;

/// <summary>restorectl.dll as built in its own folder (the copy in the test folder runs on the test's dependencies).</summary>
public static class RestorectlProcess
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var configuration = new DirectoryInfo(System.IO.Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))
            .Parent!.Name;
        var path = System.IO.Path.Combine(RepoPaths.Root, "src", "RestoreAgents.Cli", "bin", configuration, "net10.0",
            "restorectl.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build src/RestoreAgents.Cli first");
    }
}
