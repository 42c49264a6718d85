using System.Text.Json;

namespace RestoreAgents.Testing;

/// <summary>qemu-img, the disk-image oracle: makes test images and judges what lands in the cloud.</summary>
public static class QemuImg
{
    public static Task<string> RunAsync(params string[] arguments) => ProcessRunner.RunCheckedAsync("qemu-img", arguments);

    /// <summary>Creates an image of the given format (raw, vpc, vhdx, qcow2, vmdk) and options.</summary>
    public static Task CreateAsync(string path, string format, long size, string? options = null) =>
        options is null
            ? RunAsync("create", "-q", "-f", format, path, size.ToString())
            : RunAsync("create", "-q", "-f", format, "-o", options, path, size.ToString());

    public static async Task<JsonElement> InfoAsync(string path, string? format = null)
    {
        var json = format is null
            ? await RunAsync("info", "--output=json", path)
            : await RunAsync("info", "--output=json", "-f", format, path);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>Runs qemu-img compare; returns its exit code (0 identical, 1 different) and output.</summary>
    public static Task<ProcessResult> CompareAsync(string first, string second, string? firstFormat = null,
        string? secondFormat = null)
    {
        var arguments = new List<string> { "compare" };
        if (firstFormat is not null) arguments.AddRange(["-f", firstFormat]);
        if (secondFormat is not null) arguments.AddRange(["-F", secondFormat]);
        arguments.AddRange([first, second]);
        return ProcessRunner.RunAsync("qemu-img", arguments);
    }
}
