using System.Globalization;

namespace RestoreAgents.Bench;

/// <summary>What one benchmark run measures, from the command line of bench/run.</summary>
public sealed record BenchSettings
{
    public const long MiB = 1024 * 1024;

    /// <summary>The largest Azure Put Page, and the data agent's default page size.</summary>
    public const int PageSize = 4 * 1024 * 1024;

    public int DiskMib { get; init; } = 1024;
    public int Repetitions { get; init; } = 5;
    public int CacheMib { get; init; } = 64;

    /// <summary>Put Page calls in flight: the data agent's default, used by every contender alike.</summary>
    public int UploadParallelism { get; init; } = 8;

    /// <summary>e2e-throttled's stand-in: Put Page bytes per second per blob (issue 9's 20 MiB/s by default).</summary>
    public int ThrottleMibPerSecond { get; init; } = 20;

    /// <summary>Contender names to run; all of them by default.</summary>
    public IReadOnlyList<string> Contenders { get; init; } = [];

    /// <summary>The runs wait (up to <see cref="QuietWait"/>) for the 1-minute load average to fall below this.</summary>
    public double QuietLoad { get; init; } = 3.0;

    public TimeSpan QuietWait { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Markdown report; relative paths are taken from the repository root.</summary>
    public string Output { get; init; } = Path.Combine("bench", "RESULTS.md");

    public long DiskBytes => DiskMib * MiB;
    public long CacheBytes => CacheMib * MiB;

    public const string Usage = """
        Usage: bench/run [options]
          Restores one disk image with every contender, repetitions interleaved, and writes a Markdown report.

          --disk-mib N             size of the demo disk (MBR + ext4 with real files), default 1024
          --repetitions N          timed runs of each contender, default 5
          --cache-mib N            page cache of the data agent and of the pseudo-disk runs, default 64
          --upload-parallelism N   Put Page calls in flight, for every contender, default 8
          --contenders A,B         run only these: ceiling, e2e-direct, e2e-direct-proof, e2e-fuse,
                                   e2e-fuse-otlp, e2e-throttled,
                                   two-phase, pseudo-disk-direct, pseudo-disk-fuse (default: all)
          --throttle-mib N         e2e-throttled's stand-in takes N MiB/s of Put Pages per blob (and 4
                                   in flight), default 20; pick one the machine exceeds unthrottled
          --quiet-load X           first wait up to 3 minutes for the 1-minute load average to fall
                                   below X, default 3
          --output FILE            the Markdown report, default bench/RESULTS.md
        """;

    /// <summary>Parses the options; throws <see cref="ArgumentException"/> naming the one that is wrong.</summary>
    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--disk-mib" => settings with { DiskMib = Positive(args[i], Value()) },
                "--repetitions" => settings with { Repetitions = Positive(args[i], Value()) },
                "--cache-mib" => settings with { CacheMib = Positive(args[i], Value()) },
                "--upload-parallelism" => settings with { UploadParallelism = Positive(args[i], Value()) },
                "--contenders" => settings with
                {
                    Contenders = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                },
                "--throttle-mib" => settings with { ThrottleMibPerSecond = Positive(args[i], Value()) },
                "--quiet-load" => settings with { QuietLoad = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--output" => settings with { Output = Value() },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        if (settings.CacheBytes < PageSize)
            throw new ArgumentException($"--cache-mib {settings.CacheMib} is smaller than one 4 MiB page");
        if (settings.DiskMib < 512)
            throw new ArgumentException($"--disk-mib {settings.DiskMib} is too small for the demo disk's files (at least 512)");
        return settings;
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{option} '{value}' is not a positive whole number");
}
