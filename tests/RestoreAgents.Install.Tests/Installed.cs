namespace RestoreAgents.Install.Tests;

/// <summary>Where the packages put things, as the README's deploy section documents them.</summary>
public static class Installed
{
    public const string User = "restoreagents";
    public const string ConfigFolder = "/etc/restoreagents";
    public const string CertificatesFolder = "/etc/restoreagents/certs";
    /// <summary>The files the settings files name (Tls__*), without their folder: ca.pem, media-agent.pem/.key, ...</summary>
    public const string CaFile = "ca.pem";
    public const string MediaAgentConfig = "/etc/restoreagents/media-agent.env";
    public const string DataAgentConfig = "/etc/restoreagents/data-agent.env";
    public const string StateFolder = "/var/lib/restoreagents";
    public const string Store = "/var/lib/restoreagents/store";
    public const string Cache = "/var/cache/restoreagents";
    public const string MountPath = "/run/restoreagents/disks";
    public const string Binaries = "/opt/restoreagents";
    public const string MediaAgentDll = "/opt/restoreagents/media-agent/RestoreAgents.MediaAgent.dll";
    public const string DataAgentDll = "/opt/restoreagents/data-agent/RestoreAgents.DataAgent.dll";
    public const string RestorectlDll = "/opt/restoreagents/restorectl/restorectl.dll";
    public const string Restorectl = "/usr/bin/restorectl";
    public const string MediaAgentUnit = "/lib/systemd/system/restoreagents-media-agent.service";
    public const string DataAgentUnit = "/lib/systemd/system/restoreagents-data-agent.service";

    /// <summary>The packages, dependents first (the order dpkg removes them in).</summary>
    public static readonly string[] Packages =
        ["restorectl", "restoreagents-data-agent", "restoreagents-media-agent", "restoreagents-common"];

    /// <summary>Left by these tests beside what they install, so a later run knows the install for its own.</summary>
    public const string TestMarker = "/etc/restoreagents/.installed-by-install-tests";
}
