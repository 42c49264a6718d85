using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Rendering;

/// <summary>The end of a watched job: a summary on stdout, or one error line on stderr, and the exit code.</summary>
public static class RestoreOutcome
{
    public static int Report(CliEnvironment environment, AgentEndpoint agent, string jobId, RestoreProgress? final,
        bool requireVerified)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agent);
        if (final is null)
            return Fail(environment, ExitCodes.OtherError, $"the {agent.Role} at {agent.Display} sent no progress for job {jobId}");

        if (RestoreProgressText.IsFinal(final.State) && StageBreakdownText.Summary(final) is { } stages)
            environment.Output.WriteLine(stages);
        switch (final.State)
        {
            case RestoreState.Completed when requireVerified && !final.Verified:
                WriteSummary(environment, final);
                return Fail(environment, ExitCodes.JobFailed,
                    $"job {jobId} completed but its blob was not verified against the copy's SHA-256");
            case RestoreState.Completed:
                WriteSummary(environment, final);
                return ExitCodes.Success;
            case RestoreState.Failed:
                return Fail(environment, ExitCodes.JobFailed, $"job {jobId} failed: "
                    + (string.IsNullOrWhiteSpace(final.Error) ? "the data agent gave no reason" : final.Error));
            case RestoreState.Cancelled:
                return Fail(environment, ExitCodes.JobFailed, $"job {jobId} was cancelled"
                    + (string.IsNullOrWhiteSpace(final.Error) ? "" : $": {final.Error}"));
            case RestoreState.Interrupted:
                return Fail(environment, ExitCodes.JobFailed, $"job {jobId} was interrupted and can resume: {final.Error}"
                    + (final.Error.Contains("restorectl resume", StringComparison.Ordinal) ? ""
                        : $" ('restorectl resume {jobId}' goes on, 'restorectl discard {jobId}' gives it up)"));
            default:
                return Fail(environment, ExitCodes.OtherError, $"the {agent.Role} at {agent.Display} ended the watch "
                    + $"of job {jobId} while it was {RestoreProgressText.State(final.State)}; "
                    + $"'restorectl watch {jobId}' re-attaches");
        }
    }

    /// <summary>The watch was interrupted (Ctrl+C): the job itself goes on, and the line says how to reach it.</summary>
    public static int Interrupted(CliEnvironment environment, string jobId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Fail(environment, ExitCodes.Interrupted, $"interrupted; job {jobId} keeps running on the data agent "
            + $"('restorectl watch {jobId}' re-attaches, 'restorectl cancel {jobId}' stops it)");
    }

    private static void WriteSummary(CliEnvironment environment, RestoreProgress final)
    {
        var output = environment.Output;
        var took = final.Started is not null && final.Finished is not null
            ? final.Finished.ToDateTimeOffset() - final.Started.ToDateTimeOffset()
            : (TimeSpan?)null;
        var speed = took is { TotalSeconds: > 0 } t
            ? $" ({RestoreProgressText.MiBPerSecond(final.BytesRestored / t.TotalSeconds)} MiB/s)"
            : "";
        output.WriteLine($"job {final.JobId} completed{(took is { } d ? $" in {RestoreProgressText.Duration(d)}" : "")}: "
            + $"copy {final.CopyName} restored into {final.BlobUrl}");
        output.WriteLine($"  disk {ByteSize.Format(final.DiskSize)}, data {ByteSize.Format(final.BytesRestored)}{speed}, "
            + $"zeros skipped {ByteSize.Format(final.BytesSkippedZero)}");
        output.WriteLine($"  pages uploaded {final.PagesUploaded} of {ByteSize.Format((long)final.PageSizeBytes)}, "
            + $"all-zero pages not uploaded {final.PagesSkippedZero}, bytes uploaded {ByteSize.Format(final.BytesUploaded)}");
        if (final.CloudPacing is { ThrottledCalls: > 0 } pacing)
            output.WriteLine($"  the cloud throttled {pacing.ThrottledCalls} of {pacing.PutPageCalls} Put Page calls; "
                + "each was retried, paced");
        if (final.Resumes > 0)
            output.WriteLine($"  resumed {final.Resumes} " + (final.Resumes == 1 ? "time" : "times")
                + $" from its journal; the last resume found {ByteSize.Format(final.BytesKeptAtResume)} in the blob");
        if (final.StreamReconnects > 0)
            output.WriteLine($"  the media agent's stream broke and was re-opened {final.StreamReconnects} "
                + (final.StreamReconnects == 1 ? "time" : "times") + ", for the ranges still missing");
        output.WriteLine(final.Verified
            ? "  verified: the blob matches the copy's SHA-256"
            : "  not verified (the blob was not read back)");
    }

    private static int Fail(CliEnvironment environment, int exitCode, string message)
    {
        CliErrors.Write(environment.Error, message);
        return exitCode;
    }
}
