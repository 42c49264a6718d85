using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>The real tools that write into the mount: dd and qemu-img.</summary>
internal static class Tools
{
    /// <summary>dd bs=1M conv=notrunc, as the example: fails the test with dd's output when dd fails.</summary>
    public static async Task DdAsync(string source, string target, params string[] extra)
    {
        var result = await DdResultAsync(source, target, extra);
        Assert.True(result.ExitCode == 0, $"dd into '{target}' failed ({result.ExitCode}): {result.Combined}");
    }

    public static Task<ProcessResult> DdResultAsync(string source, string target, params string[] extra) =>
        ProcessRunner.RunAsync("dd", ["if=" + source, "of=" + target, "bs=1M", "conv=notrunc", "status=none", .. extra]);

    public static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Combined}");
    }
}
