namespace RestoreAgents.Bench.Contenders;

/// <summary>One way of getting the disk into a page blob (or a page blob), timed one run at a time.</summary>
public interface IContender
{
    /// <summary>Short name used on the command line and in the tables, e.g. "e2e-fuse".</summary>
    string Name { get; }

    /// <summary>What the contender does, in a sentence, for the report.</summary>
    string Description { get; }

    /// <summary>Runs once in a fresh folder; the result names what it wrote so the harness can check it.</summary>
    Task<ContenderRun> RunAsync(RunSlot slot, CancellationToken cancellationToken);
}

/// <summary>A fresh folder and blob name for one run of one contender.</summary>
public sealed record RunSlot(int Repetition, string Folder, string BlobName)
{
    public string Combine(string name) => Path.Combine(Folder, name);
}

/// <summary>The figures of one run and where its restored disk is.</summary>
public sealed record ContenderRun(Measurement Measurement, RestoredOutput Output);

/// <summary>Where a run put the disk, for the check that it equals the source.</summary>
public abstract record RestoredOutput;

/// <summary>A page blob in the rig's container; <paramref name="HasFooter"/> when it ends with a VHD footer.</summary>
public sealed record BlobOutput(string BlobName, bool HasFooter) : RestoredOutput;

/// <summary>A local page blob file holding the disk at its offsets.</summary>
public sealed record FileOutput(string Path) : RestoredOutput;
