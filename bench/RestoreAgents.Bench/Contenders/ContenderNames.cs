namespace RestoreAgents.Bench.Contenders;

/// <summary>The contenders' names, as on the command line (--contenders) and in the report, in report order.</summary>
public static class ContenderNames
{
    public const string Ceiling = "ceiling";
    public const string EndToEndDirect = "e2e-direct";
    public const string EndToEndDirectProof = "e2e-direct-proof";
    public const string EndToEndFuse = "e2e-fuse";
    public const string EndToEndFuseOtlp = "e2e-fuse-otlp";
    public const string EndToEndThrottled = "e2e-throttled";
    public const string TwoPhase = "two-phase";
    public const string PseudoDiskDirect = "pseudo-disk-direct";
    public const string PseudoDiskFuse = "pseudo-disk-fuse";

    public static IReadOnlyList<string> All { get; } =
        [Ceiling, EndToEndDirect, EndToEndDirectProof, EndToEndFuse, EndToEndFuseOtlp, EndToEndThrottled, TwoPhase, PseudoDiskDirect,
        PseudoDiskFuse];
}
