using RestoreAgents.Bench;
using RestoreAgents.Bench.Harness;
using RestoreAgents.Bench.Report;
using RestoreAgents.Bench.Worker;
using RestoreAgents.Testing;

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

if (args is [WorkerProgram.Verb, var requestPath, var resultPath])
    return await WorkerProgram.RunAsync(requestPath, resultPath, stopping.Token);

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchSettings.Usage);
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{BenchSettings.Usage}");
    return 2;
}

// bench/run says how it was called, so the report gives the command a reader would type.
var command = Environment.GetEnvironmentVariable("RESTOREAGENTS_BENCH_COMMAND")
              ?? $"dotnet {Path.GetFileName(typeof(BenchSettings).Assembly.Location)} {string.Join(' ', args)}".TrimEnd();
try
{
    var run = await new BenchHarness(settings, command, Console.Out).RunAsync(stopping.Token);
    var report = new ResultsReport(run);
    Console.WriteLine();
    Console.Write(report.ToText());
    var output = Path.IsPathRooted(settings.Output) ? settings.Output : Path.Combine(RepoPaths.Root, settings.Output);
    await File.WriteAllTextAsync(output, report.ToMarkdown(), stopping.Token);
    Console.WriteLine($"\nreport written to {output}");
    return 0;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
