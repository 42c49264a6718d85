using RestoreAgents.Bench;
using RestoreAgents.Testing;

// bench/run: every restore path on the same disk in one run, interleaved, checked, and reported as ratios.
BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

using var work = new TempDirectory("restoreagents-bench");
var machine = Machine.Describe();
Console.WriteLine($"machine: {machine}");

var image = settings.ImagePath ?? work.Combine("disk.raw");
if (settings.ImagePath is null)
{
    Console.WriteLine($"making a {settings.DiskMiB} MiB disk (MBR + ext4 with real files) ...");
    await ProcessRunner.RunCheckedAsync(Path.Combine(RepoPaths.Root, "scripts", "make-demo-disk"), image,
        settings.DiskMiB.ToString());
}
var disk = await BenchDisk.BackUpAsync(image, work.Combine("store"), settings.PageSize);
Console.WriteLine($"disk: {disk.Size >> 20} MiB, {disk.AllocatedBytes >> 20} MiB allocated, {disk.DataPages.Count} data pages");

await using var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
await using var mediaAgent = await AgentProcess.StartAsync("RestoreAgents.MediaAgent",
    $"--MediaAgent:StorePath={work.Combine("store")}");
var context = new BenchContext(settings, disk, azurite, mediaAgent, work);

Func<int, Task<Measurement>>[] contenders =
[
    run => UploadCeiling.RunAsync(context, run),
    run => EndToEndRestore.RunAsync(context, run, "direct"),
    run => EndToEndRestore.RunAsync(context, run, "fuse"),
    run => TwoPhaseRestore.RunAsync(context, run),
    run => PseudoDiskWrite.RunAsync(context, run, throughFuse: false),
    run => PseudoDiskWrite.RunAsync(context, run, throughFuse: true),
];
// One warm-up round (JIT, Azurite's first allocations) that is not reported, then the measured rounds.
var runs = new List<Measurement>();
for (int round = 0; round <= settings.Repetitions; round++)
{
    for (int i = 0; i < contenders.Length; i++)
    {
        var measurement = await contenders[(i + round) % contenders.Length](round);
        Console.WriteLine($"{(round == 0 ? "warm-up" : $"run {round}")}: {measurement.Contender}: "
            + $"{measurement.Wall.TotalSeconds:0.00} s");
        if (round > 0) runs.Add(measurement);
    }
}

var command = "bench/run " + string.Join(' ', args);
var report = new Report(context, runs, machine + $"; load after: {Machine.LoadAverage()}", command.Trim()).ToMarkdown();
var resultsPath = Path.IsPathRooted(settings.ResultsPath) ? settings.ResultsPath
    : Path.Combine(RepoPaths.Root, settings.ResultsPath);
await File.WriteAllTextAsync(resultsPath, report);
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine($"written to {resultsPath}");
return 0;
