namespace RestoreAgents.Cli;

/// <summary>What restorectl's exit code means; <see cref="HelpText"/> is printed at the end of every --help.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int JobFailed = 1;
    public const int Usage = 2;
    public const int AgentUnreachable = 3;
    public const int OtherError = 4;
    /// <summary>The target exists without --overwrite, or its container is missing: nothing was changed.</summary>
    public const int TargetNotReady = 5;
    /// <summary>Ctrl+C or SIGTERM, as shells report a process stopped by SIGINT.</summary>
    public const int Interrupted = 130;

    public const string HelpText = """
        Exit codes:
          0    success (restore: the job completed, and its blob was verified unless --no-verify;
               mount: Ctrl+C or SIGTERM stopped it and every file was uploaded and unmounted)
          1    the restore job failed or was cancelled
          2    usage error: unknown command or option, missing or invalid value (a size, a name, a cache
               smaller than a page), no usable client certificate; nothing was sent, or the agent refused
               the value before any job existed
          3    cannot reach an agent (connection refused, unknown host, timed out, connection lost)
          4    any other error (the agent refused the request, a file is missing, the cloud refused, ...)
          5    the target is not ready, and nothing was changed: the blob or file exists (give --overwrite),
               or the container does not exist (mount --create-container; restore creates it unless a SAS
               URL is given)
          130  interrupted (Ctrl+C); a job already started keeps running on the data agent

        Environment:
          RESTOREAGENTS_DATA_AGENT         default for --data-agent (else https://127.0.0.1:5020)
          RESTOREAGENTS_MEDIA_AGENT        default for copies' --media-agent (else https://127.0.0.1:5010)
          RESTOREAGENTS_CERT, _KEY, _CA    defaults for --cert, --key, --ca (else cert.pem, key.pem, ca.pem
                                           in ~/.config/restoreagents)
          RESTOREAGENTS_CONNECTION_STRING  download, mount: the storage connection string, unless an option gives one
          RESTOREAGENTS_SAS_URL            restore, download, mount: a SAS URL, unless an option gives one
        Secrets (--connection-string, --sas-url) on the command line are visible to other users of the host
        (ps): prefer the environment or --connection-string-file / --sas-url-file (owner-only files).
          NO_COLOR                         plain output without colours
          OTEL_EXPORTER_OTLP_ENDPOINT      export restorectl's spans over OTLP; TRACEPARENT joins a caller's trace
        """;
}
