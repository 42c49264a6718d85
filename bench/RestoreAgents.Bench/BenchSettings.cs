namespace RestoreAgents.Bench;

/// <summary>What one run measures: the disk, the repetitions, and the settings every contender shares.</summary>
internal sealed record BenchSettings(
    int DiskMiB,
    int Repetitions,
    string? ImagePath,
    string ResultsPath,
    int PageSize,
    long CacheSize,
    int UploadParallelism)
{
    public static BenchSettings Parse(string[] args)
    {
        int diskMiB = 1024, repetitions = 3;
        long cacheMiB = 64;
        string? image = null;
        string results = Path.Combine("bench", "RESULTS.md");
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--disk-mib": diskMiB = int.Parse(Next()); break;
                case "--repetitions": repetitions = int.Parse(Next()); break;
                case "--cache-mib": cacheMiB = long.Parse(Next()); break;
                case "--image": image = Path.GetFullPath(Next()); break;
                case "--results": results = Next(); break;
                default:
                    throw new ArgumentException(
                        $"unknown argument '{args[i]}'; use --disk-mib N, --repetitions N, --cache-mib N, "
                        + "--image RAW, --results FILE");
            }
        }
        if (diskMiB < 64 || repetitions < 1 || cacheMiB < 8)
            throw new ArgumentException("--disk-mib must be at least 64, --repetitions at least 1, --cache-mib at least 8");
        return new BenchSettings(diskMiB, repetitions, image, results, 4 * 1024 * 1024, cacheMiB * 1024 * 1024, 8);
    }
}
